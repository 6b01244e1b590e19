//! The function-key bar at the bottom of the cashier screen, kept pure so it is unit-tested:
//! every key the sale screen answers (the same keys as `Cashier.svelte`, `checkout/keys.ts` and
//! the F1 help), each with whether it does something NOW. A key that does nothing now is greyed
//! (`off`); a key that cannot apply to this person or this member at all is left out (`hidden`),
//! so the bar stays short enough for a 1024-pixel screen.

import type { MessageKey } from '../../lib/i18n';

/** What the sale screen does on a key of the bar (a click on the key does the same). */
export type BarAction =
  | 'help'
  | 'member'
  | 'register'
  | 'quantity'
  | 'delete'
  | 'gates'
  | 'profile'
  | 'confirmPhone'
  | 'detach'
  | 'pay'
  | 'hold'
  | 'recall'
  | 'coupon'
  | 'points'
  | 'override'
  | 'guidance'
  | 'cancel'
  | 'lock';

export type KeyState = 'on' | 'off' | 'hidden';

export type BarKey = {
  action: BarAction;
  /** As printed on the keyboard. */
  key: string;
  /** i18n key of the short label. */
  label: MessageKey;
  state: KeyState;
};

/** What the bar needs to know about the sale on screen. */
export type BarContext = {
  /** Lines on the sale. */
  lines: number;
  /** A line is selected (↑↓). */
  lineSelected: boolean;
  /** The attached member, if any. */
  member: { needsConfirm: boolean; coupons: number; pointsBalance: number } | null;
  /** Things that block payment and F5 resolves (prescription, approval, ephedrine, allergy). */
  pendingGates: number;
  /** Sales on hold at this till. */
  heldCount: number;
  /** The person logged in is a pharmacist (用药指导 is theirs). */
  pharmacist: boolean;
};

const on = (when: boolean): KeyState => (when ? 'on' : 'off');

/** The keys in the order the bar shows them, each with its state for `ctx`. */
export function barKeys(ctx: BarContext): BarKey[] {
  const hasLines = ctx.lines > 0;
  const member = ctx.member;
  return [
    { action: 'help', key: 'F1', label: 'keybar.help', state: 'on' },
    { action: 'member', key: 'F2', label: 'keybar.member', state: 'on' },
    { action: 'register', key: 'F3', label: 'keybar.register', state: 'on' },
    { action: 'quantity', key: 'F4', label: 'keybar.quantity', state: on(ctx.lineSelected) },
    { action: 'delete', key: 'Del', label: 'keybar.delete', state: on(ctx.lineSelected) },
    { action: 'gates', key: 'F5', label: 'keybar.gates', state: on(ctx.pendingGates > 0) },
    { action: 'profile', key: 'F6', label: 'keybar.profile', state: on(member !== null) },
    // Only asked of a member whose phone was not confirmed for a long time.
    { action: 'confirmPhone', key: 'F7', label: 'keybar.confirmPhone', state: member?.needsConfirm ? 'on' : 'hidden' },
    { action: 'detach', key: 'F8', label: 'keybar.detach', state: on(member !== null) },
    { action: 'pay', key: 'F9', label: 'keybar.pay', state: on(hasLines) },
    { action: 'hold', key: 'F10', label: 'keybar.hold', state: on(hasLines) },
    { action: 'recall', key: 'F11', label: 'keybar.recall', state: on(ctx.heldCount > 0) },
    { action: 'coupon', key: 'Alt+C', label: 'keybar.coupon', state: on((member?.coupons ?? 0) > 0) },
    { action: 'points', key: 'Alt+P', label: 'keybar.points', state: on((member?.pointsBalance ?? 0) > 0) },
    { action: 'override', key: 'Alt+O', label: 'keybar.override', state: on(ctx.lineSelected) },
    // A cashier opens it too: the pharmacist types their staff number and PIN in the form.
    { action: 'guidance', key: 'Alt+G', label: 'keybar.guidance', state: on(ctx.lineSelected) },
    { action: 'cancel', key: 'Alt+X', label: 'keybar.cancel', state: on(hasLines) },
    { action: 'lock', key: 'Ctrl+L', label: 'keybar.lock', state: 'on' },
  ];
}
