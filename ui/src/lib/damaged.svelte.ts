//! Whether the store file is damaged (the core's integrity check failed): then selling stops
//! and every screen shows the red banner (features/shell/DamagedBanner.svelte) until a manager
//! restores a backup. Set by `ipc.call` whenever a command fails with STORE_DAMAGED, and by the
//! shell's `store_health` at login.

const state = $state<{ message: string | null }>({ message: null });

/** What the check found, or null while the file is whole (as far as this screen knows). */
export function storeDamage(): string | null {
  return state.message;
}

export function reportDamage(message: string): void {
  state.message = message;
}

/** After a restore (or a check that found the file whole). */
export function clearDamage(): void {
  state.message = null;
}
