//! Whether the till is locked (Ctrl+L): the lock screen covers everything until the cashier who
//! is logged in types their PIN. The core keeps the lock too (`session_lock`, `session_unlock`):
//! while locked it refuses every command but unlocking, so nothing can sell behind the lock
//! screen, and a window that reloads comes back locked (`Session.locked`). The screens keep what
//! they hold (the sale on screen, an open dialog); the cashier screen ignores scans meanwhile.

const state = $state<{ locked: boolean }>({ locked: false });

export function tillLocked(): boolean {
  return state.locked;
}

export function setTillLocked(locked: boolean): void {
  state.locked = locked;
}

/** The key that locks the till: Ctrl+L, read by the physical key (an IME may report "Process"). */
export function isLockKey(press: { code: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean }): boolean {
  return press.ctrlKey && !press.altKey && !press.metaKey && !press.shiftKey && press.code === 'KeyL';
}

/** A PIN as the lock screen sends it: the digits typed (full-width ones from an IME made half-width). */
export function pinFromInput(text: string): string {
  return text.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}
