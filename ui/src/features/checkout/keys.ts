//! Key handling of the checkout, kept pure so it is unit-tested: which cashier action a key
//! stands for, which tender a payment-dialog key picks, and the coupon a key press moves to.

import type { Coupon, TenderKind } from '../../lib/bindings';
import { TENDER_KINDS } from './tender';

/** What the sale screen does on a checkout key (docs/keyboard.md). */
export type CheckoutAction =
  | 'pay'
  | 'gates'
  | 'hold'
  | 'recall'
  | 'coupon'
  | 'points'
  | 'override'
  | 'guidance'
  | 'cancel';

/** The key as the handlers see it (a `KeyboardEvent` fits). */
export type KeyPress = { key: string; code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean };

const F_KEYS: Record<string, CheckoutAction> = { F5: 'gates', F9: 'pay', F10: 'hold', F11: 'recall' };

/**
 * Alt + a letter, read by `code` (the physical key): with a Chinese IME `key` may be
 * "Process", and Alt+letter may produce other characters on some layouts.
 */
const ALT_KEYS: Record<string, CheckoutAction> = {
  KeyC: 'coupon',
  KeyP: 'points',
  KeyO: 'override',
  KeyG: 'guidance',
  // 作废 the sale being rung up (a reason is asked first).
  KeyX: 'cancel',
};

export function checkoutAction(press: KeyPress): CheckoutAction | null {
  if (press.ctrlKey || press.metaKey) return null;
  if (press.altKey) return press.shiftKey ? null : (ALT_KEYS[press.code] ?? null);
  if (press.shiftKey) return null;
  return F_KEYS[press.key] ?? null;
}

/** F1…F5 in the payment dialog: 现金, 微信, 支付宝, 银行卡, 医保. */
export function tenderForKey(press: KeyPress): TenderKind | null {
  if (press.altKey || press.ctrlKey || press.metaKey || press.shiftKey) return null;
  const match = /^F([1-5])$/.exec(press.key);
  return match ? (TENDER_KINDS[Number(match[1]) - 1] ?? null) : null;
}

/** The key that picks a tender, for the buttons' labels. */
export function keyForTender(kind: TenderKind): string {
  return `F${TENDER_KINDS.indexOf(kind) + 1}`;
}

/** Alt+C cycles: no coupon → the first usable coupon → the next → … → no coupon. */
export function nextCoupon(coupons: readonly Coupon[], current: string | null): string | null {
  if (coupons.length === 0) return null;
  const index = current === null ? -1 : coupons.findIndex((c) => c.id === current);
  if (index < 0) return coupons[0]?.id ?? null;
  return coupons[index + 1]?.id ?? null;
}

/** Enter moves through a form's fields in order; on the last one it submits. */
export function nextField<F extends string>(fields: readonly F[], from: F): F | 'submit' {
  const index = fields.indexOf(from);
  return index < 0 || index === fields.length - 1 ? 'submit' : (fields[index + 1] as F);
}
