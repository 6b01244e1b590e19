import { describe, expect, it } from 'vitest';
import { PrintGate } from './printGate';

describe('PrintGate', () => {
  it('ignores F9 while the automatic print runs, then lets it print again', () => {
    const g = new PrintGate();
    expect(g.beginAuto()).toBe(true);
    expect(g.begin()).toBe(false);
    g.end();
    expect(g.begin()).toBe(true);
  });

  it('skips the automatic print when F9 came first', () => {
    const g = new PrintGate();
    expect(g.begin()).toBe(true);
    g.end();
    expect(g.beginAuto()).toBe(false);
  });

  it('prints by itself once only', () => {
    const g = new PrintGate();
    expect(g.beginAuto()).toBe(true);
    g.end();
    expect(g.beginAuto()).toBe(false);
  });

  it('after a failed automatic print, F9 prints again', () => {
    const g = new PrintGate();
    expect(g.beginAuto()).toBe(true);
    g.end(); // PRINT_FAILED
    expect(g.begin()).toBe(true);
  });
});
