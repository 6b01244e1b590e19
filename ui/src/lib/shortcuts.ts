//! The keyboard shortcuts: one list per screen, shown by the F1 help overlay and copied into the
//! user documentation (docs/keyboard.md).

import type { MessageKey } from './i18n';

export type Shortcut = {
  /** Keys as printed on the keyboard; any one of them triggers the action. */
  keys: readonly string[];
  /** i18n key of the description. */
  action: MessageKey;
};

/** The sale screen. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['F1'], action: 'shortcut.help' },
  { keys: ['F2'], action: 'shortcut.member' },
  { keys: ['F3'], action: 'shortcut.register' },
  { keys: ['F4', '*'], action: 'shortcut.quantity' },
  { keys: ['F5'], action: 'shortcut.gates' },
  { keys: ['F6'], action: 'shortcut.profile' },
  { keys: ['F7'], action: 'shortcut.confirmPhone' },
  { keys: ['F8'], action: 'shortcut.detach' },
  { keys: ['F9'], action: 'shortcut.pay' },
  { keys: ['F10'], action: 'shortcut.hold' },
  { keys: ['F11'], action: 'shortcut.recall' },
  { keys: ['Alt+C'], action: 'shortcut.coupon' },
  { keys: ['Alt+P'], action: 'shortcut.points' },
  { keys: ['Alt+O'], action: 'shortcut.override' },
  { keys: ['Alt+G'], action: 'shortcut.guidance' },
  { keys: ['Alt+X'], action: 'shortcut.cancel' },
  { keys: ['Delete'], action: 'shortcut.delete' },
  { keys: ['↑', '↓'], action: 'shortcut.select' },
  { keys: ['Esc'], action: 'shortcut.escape' },
  { keys: ['Enter'], action: 'shortcut.enter' },
  { keys: ['Ctrl+1…9'], action: 'shortcut.tabs' },
];

/** The payment dialog and the done screen after it. */
export const PAYMENT_SHORTCUTS: readonly Shortcut[] = [
  { keys: ['F1', 'F2', 'F3', 'F4', 'F5'], action: 'shortcut.pay.tenders' },
  { keys: ['0–9', '.'], action: 'shortcut.pay.amount' },
  { keys: ['Enter'], action: 'shortcut.pay.enter' },
  { keys: ['Backspace'], action: 'shortcut.pay.remove' },
  { keys: ['Esc'], action: 'shortcut.pay.cancel' },
  { keys: ['F9'], action: 'shortcut.done.print' },
  { keys: ['Enter'], action: 'shortcut.done.next' },
];

/** Every list with its heading, in the order the help overlay shows them. */
export const SHORTCUT_SECTIONS: readonly { title: MessageKey; shortcuts: readonly Shortcut[] }[] = [
  { title: 'help.sale', shortcuts: SHORTCUTS },
  { title: 'help.payment', shortcuts: PAYMENT_SHORTCUTS },
];
