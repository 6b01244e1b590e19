//! The blind count at 交班, kept pure so it is unit-tested: the notes and coins of a Chinese
//! drawer, what a typed count means, the running total (in integer 分, never floats) and the
//! `CountLine[]` that `shift_close` takes. The total is the cashier's own sum of what they typed;
//! the amount the drawer should hold is never known here before the count is sent.

import type { CountLine } from '../../lib/bindings';
import { fromFen } from '../../lib/money';

export type Denomination = {
  /** As the core takes it (docs/api.md `shift_close`): "100", … "0.50", … "0.01". */
  value: string;
  fen: number;
  /** How staff name it: 100 元, 5 角, 2 分. */
  label: string;
};

function named(fen: number): string {
  if (fen >= 100) return `${fen / 100} 元`;
  if (fen >= 10) return `${fen / 10} 角`;
  return `${fen} 分`;
}

/** ¥100, 50, 20, 10, 5, 1, 5 角, 1 角 and the 分 coins, largest first (the core's list). */
export const DENOMINATIONS: readonly Denomination[] = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10, 5, 2, 1].map(
  (fen) => ({ value: fen >= 100 ? String(fen / 100) : fromFen(fen), fen, label: named(fen) }),
);

/** The most of one note or coin a drawer holds; more is a typing slip (the core's limit too). */
export const MAX_COUNT = 10_000;

/** Typed counts by denomination value; a missing or empty entry is 0. */
export type Counts = Readonly<Record<string, string>>;

/** Full-width digits (a Chinese IME) become ASCII; spaces around are dropped. */
export function normalizeCount(text: string): string {
  return text.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** A typed count: a whole number 0 … MAX_COUNT (empty = 0), or null when it is not one. */
export function parseCount(text: string): number | null {
  const t = normalizeCount(text);
  if (t === '') return 0;
  if (!/^\d{1,5}$/.test(t)) return null;
  const n = Number(t);
  return n <= MAX_COUNT ? n : null;
}

export type CountTotal = {
  /** Σ count × face of the counts that read, in 分. */
  fen: number;
  /** The denominations whose count does not read (shown in red, block sending). */
  invalid: string[];
};

/** The running total of the count as typed. */
export function countTotal(counts: Counts): CountTotal {
  let fen = 0;
  const invalid: string[] = [];
  for (const d of DENOMINATIONS) {
    const n = parseCount(counts[d.value] ?? '');
    if (n === null) invalid.push(d.value);
    else fen += n * d.fen;
  }
  return { fen, invalid };
}

/** One line's subtotal in 分 (0 while its count does not read). */
export function lineFen(d: Denomination, text: string): number {
  return (parseCount(text) ?? 0) * d.fen;
}

/** What `shift_close` takes: every denomination once, in order, its count as typed (normalized). */
export function toCountLines(counts: Counts): CountLine[] {
  return DENOMINATIONS.map((d) => ({ denomination: d.value, count: normalizeCount(counts[d.value] ?? '') }));
}

/** An empty count sheet. */
export function emptyCounts(): Record<string, string> {
  return Object.fromEntries(DENOMINATIONS.map((d) => [d.value, '']));
}
