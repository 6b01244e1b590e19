//! The customer's 付款码 (payment code) shown in WeChat or Alipay and scanned at the payment
//! dialog, kept pure so it is unit-tested. The two wallets publish the shapes:
//!
//! - WeChat Pay: 18 digits beginning 10, 11, 12, 13, 14 or 15;
//! - Alipay: 16–24 digits beginning 25, 26, 27, 28, 29 or 30.
//!
//! A scan of one of them picks that tender, fills in what is still due and keeps the code as the
//! tender's `reference` (recorded with the payment). Anything else scanned in the dialog is not a
//! payment and is refused: the amount due is on screen and must not change under it.

import type { TenderKind } from '../../lib/bindings';

export type PaymentCodeKind = Extract<TenderKind, 'wechat' | 'alipay'>;

/** The wallet a scanned code belongs to, or null when it is no payment code. */
export function paymentCodeKind(code: string): PaymentCodeKind | null {
  const digits = code.trim();
  if (/^1[0-5]\d{16}$/.test(digits)) return 'wechat';
  if (/^(?:2[5-9]|30)\d{14,22}$/.test(digits)) return 'alipay';
  return null;
}

/**
 * A reference as the core accepts it (`Tender.reference`): letters, digits and '-', at most 64
 * characters; empty means none.
 */
export function validReference(text: string): boolean {
  return /^[A-Za-z0-9-]{0,64}$/.test(text.trim());
}

/** The tenders that carry a reference (a payment code or the terminal's transaction number). */
export function takesReference(kind: TenderKind): boolean {
  return kind === 'wechat' || kind === 'alipay' || kind === 'card';
}

/** A reference shown in the tenders list: long codes keep their first 4 and last 4 characters. */
export function shortReference(reference: string): string {
  const r = reference.trim();
  return r.length > 12 ? `${r.slice(0, 4)}…${r.slice(-4)}` : r;
}
