//! The cashier screen's keyboard shortcuts: one list, shown by the F1 help
//! overlay and meant to be copied into the user documentation.

import type { MessageKey } from './i18n';

export type Shortcut = {
  /** Keys as printed on the keyboard; any one of them triggers the action. */
  keys: readonly string[];
  /** i18n key of the description. */
  action: MessageKey;
};

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['F1'], action: 'shortcut.help' },
  { keys: ['F2'], action: 'shortcut.member' },
  { keys: ['F3'], action: 'shortcut.register' },
  { keys: ['F4', '*'], action: 'shortcut.quantity' },
  { keys: ['F6'], action: 'shortcut.profile' },
  { keys: ['F7'], action: 'shortcut.confirmPhone' },
  { keys: ['F8'], action: 'shortcut.detach' },
  { keys: ['Delete'], action: 'shortcut.delete' },
  { keys: ['↑', '↓'], action: 'shortcut.select' },
  { keys: ['Esc'], action: 'shortcut.escape' },
  { keys: ['Enter'], action: 'shortcut.enter' },
];
