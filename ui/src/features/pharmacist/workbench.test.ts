import { describe, expect, it } from 'vitest';
import { BENCH_SECTIONS, sectionForKey } from './workbench';

const key = (code: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('sectionForKey', () => {
  it('opens the n-th section with Alt+n, top row or keypad', () => {
    expect(sectionForKey(key('Digit1', { altKey: true }))).toBe('followups');
    expect(sectionForKey(key('Numpad4', { altKey: true }))).toBe('ephedrine');
    expect(sectionForKey(key(`Digit${BENCH_SECTIONS.length}`, { altKey: true }))).toBe('lookup');
  });
  it('ignores other keys, other modifiers and numbers beyond the sections', () => {
    expect(sectionForKey(key('Digit1'))).toBeNull();
    expect(sectionForKey(key('Digit1', { altKey: true, ctrlKey: true }))).toBeNull();
    expect(sectionForKey(key('Digit9', { altKey: true }))).toBeNull();
    expect(sectionForKey(key('KeyA', { altKey: true }))).toBeNull();
  });
});
