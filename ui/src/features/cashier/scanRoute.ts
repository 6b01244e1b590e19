//! What the cashier's scan box does with what was typed or scanned, kept pure so it is
//! unit-tested. It is `routeScanInput` of the member feature (member card, whole phone, product
//! barcode, product search) plus one counter habit: four digits are the last 4 digits of a
//! member's phone. No product code is that short (a barcode has at least 8 digits), so the two
//! never meet; the core's `member_find` reads 4 digits the same way (`classifyMemberQuery`).

import { classifyMemberQuery, halfWidth, routeScanInput, type ScanRoute } from '../member/member';

export type CashierRoute =
  | ScanRoute
  /** A 药品追溯码 (15+ digits, or a GS1 DataMatrix): `cart_scan`, the core puts it on its pack's line. */
  | { kind: 'trace'; code: string }
  /** Four digits: find members by the last 4 digits of the phone (one attaches at once). */
  | { kind: 'last4'; digits: string };

/** Decides what Enter in the scan box does with `text`; null for nothing at all. */
export function cashierRoute(text: string): CashierRoute | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (classifyMemberQuery(trimmed) === 'last4') {
    const digits = halfWidth(trimmed).replace(/[\s\u3000\-－]/g, '').replace(/^\+/, '');
    if (/^\d{4}$/.test(digits)) return { kind: 'last4', digits };
  }
  const route = routeScanInput(trimmed);
  if (route?.kind === 'search' && looksLikeTraceCode(trimmed)) return { kind: 'trace', code: trimmed };
  return route;
}

/**
 * A 药品追溯码 rather than a product barcode or a search, as the core tells them apart
 * (`trace::looks_like_code`): 15 or more digits, or a GS1 element string (the GS separator,
 * `(01)…`, or 01 + a 14-digit GTIN followed by more).
 */
export function looksLikeTraceCode(text: string): boolean {
  const s = halfWidth(text.trim()).replace(/^\](?:d2|C1|Q3|d1)/, '');
  if (s.includes('\u001d') || s.startsWith('(01)')) return true;
  if (/^\d+$/.test(s)) return s.length >= 15;
  return s.length > 16 && /^01\d{14}/.test(s);
}

/** What a last-4 lookup found, and what the screen does with it. */
export type Last4Outcome<M> =
  /** Nobody: say so, keep the digits in the box for a correction. */
  | { kind: 'none' }
  /** Exactly one member: attach them at once. */
  | { kind: 'one'; member: M }
  /** Several: the member picker, with these digits already searched. */
  | { kind: 'several'; count: number };

export function last4Outcome<M>(found: readonly M[]): Last4Outcome<M> {
  const [first] = found;
  if (first === undefined) return { kind: 'none' };
  if (found.length === 1) return { kind: 'one', member: first };
  return { kind: 'several', count: found.length };
}
