//! Money arrives from the core as a decimal string ("12.80"). The UI never turns it into a
//! float: to add up tenders it works in integer 分 (fen), exact up to 90 trillion yuan, and
//! turns the result back into the core's two-decimal string.

import type { Money } from './bindings';

export function yuan(amount: string): string {
  return `¥${amount}`;
}

/** "12.80" → 1280, "-1.5" → -150; null for anything that is not a decimal with ≤ 2 places. */
export function toFen(amount: Money): number | null {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return match[1] ? -fen : fen;
}

/** 1280 → "12.80", -5 → "-0.05". */
export function fromFen(fen: number): Money {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A core amount known to be well-formed (0 when it is not, which the core never sends). */
export function fen(amount: Money): number {
  return toFen(amount) ?? 0;
}

/**
 * An amount typed by staff ("100", "12.5", "¥12.50", full-width digits, "。" from a Chinese
 * IME) in fen, or null when it is not a plain amount of at most 2 decimals and 8 whole digits.
 */
export function parseAmountInput(text: string): number | null {
  const t = text
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[。．]/g, '.')
    .replace(/^[¥￥]\s*/, '');
  if (!/^\d{1,8}(?:\.\d{0,2})?$|^\.\d{1,2}$/.test(t)) return null;
  return toFen(t.startsWith('.') ? `0${t}` : t.endsWith('.') ? t.slice(0, -1) : t);
}
