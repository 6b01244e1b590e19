//! This till's shift as every screen sees it: the top bar's shift badge shows it and owns the
//! shift dialogs; the day-close screen may ask for the 交班 dialog (a shift still open stops the
//! day close). One till has at most one open shift (the core's rule).

import type { Shift } from '../../lib/bindings';
import { call } from '../../lib/ipc';

/** A shift dialog over whatever screen is showing. */
export type ShiftDialog = 'open' | 'cash' | 'close';

export const shiftState = $state<{
  /** The open shift; null: none (未开班). */
  current: Shift | null;
  /** The core has answered at least once (until then nothing is shown). */
  known: boolean;
  dialog: ShiftDialog | null;
}>({ current: null, known: false, dialog: null });

/** Asks the core for the open shift; on failure the last answer stays. */
export async function refreshShift(): Promise<void> {
  try {
    shiftState.current = await call('shift_current', {});
    shiftState.known = true;
  } catch {
    // The badge keeps what it showed; the next action reports its own error in place.
  }
}

export function openShiftDialog(dialog: ShiftDialog): void {
  shiftState.dialog = dialog;
}
