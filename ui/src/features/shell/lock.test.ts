import { describe, expect, it } from 'vitest';
import { isLockKey, pinFromInput, setTillLocked, tillLocked } from './lock.svelte';

const press = (code: string, extra: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...extra,
});

describe('Ctrl+L locks the till', () => {
  it('is Ctrl with the L key, by the physical key', () => {
    expect(isLockKey(press('KeyL', { ctrlKey: true }))).toBe(true);
    expect(isLockKey(press('KeyL'))).toBe(false);
    expect(isLockKey(press('KeyL', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isLockKey(press('KeyL', { ctrlKey: true, altKey: true }))).toBe(false);
    expect(isLockKey(press('KeyK', { ctrlKey: true }))).toBe(false);
  });

  it('keeps its state, and reads a PIN typed with full-width digits', () => {
    setTillLocked(true);
    expect(tillLocked()).toBe(true);
    setTillLocked(false);
    expect(tillLocked()).toBe(false);
    expect(pinFromInput(' １２３４ ')).toBe('1234');
  });
});
