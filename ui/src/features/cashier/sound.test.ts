import { describe, expect, it } from 'vitest';
import { BEEPS, beep, setSoundOn, soundOn } from './sound.svelte';

describe('the till’s sounds', () => {
  it('a good scan is one short high beep; an error is a low double beep', () => {
    expect(BEEPS.good).toHaveLength(1);
    expect(BEEPS.error).toHaveLength(2);
    const good = BEEPS.good[0]!;
    for (const tone of BEEPS.error) {
      expect(tone.hz).toBeLessThan(good.hz / 2);
      expect(tone.ms).toBeGreaterThan(good.ms);
    }
    expect(good.ms).toBeLessThanOrEqual(100);
  });

  it('never throws where there is no audio (as under WebDriver or in this test)', () => {
    expect(() => beep('good')).not.toThrow();
    expect(beep('error')).toBe(false);
  });

  it('can be switched off, and then plays nothing', () => {
    setSoundOn(false);
    expect(soundOn()).toBe(false);
    expect(beep('good')).toBe(false);
    setSoundOn(true);
    expect(soundOn()).toBe(true);
  });

  it('plays through Web Audio when it is there', () => {
    const started: number[] = [];
    const param = { setValueAtTime: () => {}, linearRampToValueAtTime: () => {} };
    class FakeContext {
      state = 'running';
      currentTime = 0;
      destination = {};
      createOscillator() {
        return { type: '', frequency: { setValueAtTime: (hz: number) => started.push(hz) }, connect: (n: unknown) => n, start: () => {}, stop: () => {} };
      }
      createGain() {
        return { gain: param, connect: (n: unknown) => n };
      }
    }
    (globalThis as { AudioContext?: unknown }).AudioContext = FakeContext;
    try {
      expect(beep('error')).toBe(true);
      expect(started).toEqual([330, 330]);
    } finally {
      delete (globalThis as { AudioContext?: unknown }).AudioContext;
    }
  });
});
