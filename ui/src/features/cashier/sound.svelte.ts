//! The till's two sounds, so a cashier hears the result of a scan without looking: a good scan
//! is one short high beep, a refused scan or an error one low double beep. Drawn with the Web
//! Audio API (an oscillator; no sound files). Sound is a help, never a requirement: where audio
//! is unavailable (no sound card, a WebDriver session, a browser without `AudioContext`) `beep`
//! does nothing and never throws. The cashier can switch it off (top bar); the choice is kept
//! on this till (localStorage).

export type Beep = 'good' | 'error';

/** One tone of a beep: pitch (Hz), length (ms) and the pause after it (ms). */
export type Tone = { hz: number; ms: number; gapMs: number };

/** What each beep plays: short and high for a good scan; low and twice for an error. */
export const BEEPS: Readonly<Record<Beep, readonly Tone[]>> = {
  good: [{ hz: 1760, ms: 70, gapMs: 0 }],
  error: [
    { hz: 330, ms: 120, gapMs: 70 },
    { hz: 330, ms: 120, gapMs: 0 },
  ],
};

/** Loud enough over a queue, never harsh (0–1). */
const VOLUME = 0.18;
const STORAGE_KEY = 'pharmapos.sound';

type AudioContextClass = typeof AudioContext;

function storedOn(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

const state = $state<{ on: boolean }>({ on: storedOn() });
let context: AudioContext | null = null;

/** Whether the till beeps (on unless switched off here). */
export function soundOn(): boolean {
  return state.on;
}

export function setSoundOn(on: boolean): void {
  state.on = on;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // A till without storage still beeps (or not) for this session.
  }
}

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = (globalThis as { AudioContext?: AudioContextClass; webkitAudioContext?: AudioContextClass }).AudioContext ??
    (globalThis as { webkitAudioContext?: AudioContextClass }).webkitAudioContext;
  if (!Ctor) return null;
  context = new Ctor();
  return context;
}

/**
 * Plays a beep; true when it was started. False (and nothing else) when sound is off or audio is
 * unavailable. Never throws.
 */
export function beep(kind: Beep): boolean {
  if (!state.on) return false;
  try {
    const ctx = audio();
    if (!ctx) return false;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    let at = ctx.currentTime + 0.01;
    for (const tone of BEEPS[kind]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = kind === 'good' ? 'sine' : 'square';
      osc.frequency.setValueAtTime(tone.hz, at);
      const end = at + tone.ms / 1000;
      // A short fade in and out: no click at either end.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.005);
      gain.gain.setValueAtTime(VOLUME, end - 0.01);
      gain.gain.linearRampToValueAtTime(0, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(end);
      at = end + tone.gapMs / 1000;
    }
    return true;
  } catch {
    return false;
  }
}
