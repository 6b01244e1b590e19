//! The returns screen's logic, kept pure so it is unit-tested: what a typed or scanned receipt
//! number is, how much of each line may still be returned, and the checks made before
//! `return_create` (GSP: a quality reason, a note for "other", something selected). The core
//! checks again and computes every refund.

import type { ReturnLineInput, ReturnReason, Sale, SaleLine } from '../../lib/bindings';
import type { MessageKey, MessageParams } from '../../lib/i18n';
import { halfWidth } from '../member/member';

/** The five quality reasons, in the order shown; keys 1–5 pick them. */
export const RETURN_REASONS: readonly ReturnReason[] = ['damaged', 'spoiled', 'expired', 'wrong_batch', 'other_quality'];

/** A return's note is at most 100 characters. */
export const MAX_RETURN_NOTE = 100;

/** A receipt number as printed (14 digits: business date, till, sequence), or null. */
export function parseReceiptNo(text: string): string | null {
  const digits = halfWidth(text).replace(/[\s\u3000-]/g, '');
  return /^\d{14}$/.test(digits) ? digits : null;
}

/** What is left to return of a line. */
export function returnable(line: SaleLine): number {
  return Math.max(0, line.quantity - line.returned_quantity);
}

/** Whether anything of the sale is left to return. */
export function anythingReturnable(sale: Sale): boolean {
  return sale.lines.some((line) => returnable(line) > 0);
}

/** Quantities typed per sale line id, as text. */
export type Quantities = Record<string, string>;

/** 药品追溯码 scanned off the packs brought back, per sale line id (as the core stores them). */
export type PackCodes = Record<string, readonly string[]>;

/**
 * How many of `quantity` packs brought back must name their code: packs of the line sold without
 * a code come back without one; the rest would stay "sold" for ever. A line returned whole gives
 * back all its codes without scanning. The core makes the same check.
 */
export function codesNeeded(line: SaleLine, quantity: number): number {
  const left = returnable(line);
  if (quantity >= left) return 0;
  const uncoded = Math.max(0, left - line.trace_codes_out);
  return Math.max(0, quantity - uncoded);
}

/**
 * A pack's code scanned at the returns counter: its line now returns at least as many packs as
 * codes were scanned for it (never more than is left). A code scanned twice counts once.
 */
export function addPackCode(
  sale: Sale,
  quantities: Quantities,
  codes: PackCodes,
  lineId: string,
  code: string,
): { quantities: Quantities; codes: PackCodes } {
  const line = sale.lines.find((l) => l.id === lineId);
  const had = codes[lineId] ?? [];
  if (!line || had.includes(code)) return { quantities, codes };
  const mine = [...had, code];
  const typed = Number(halfWidth(quantities[lineId] ?? '').trim()) || 0;
  const quantity = Math.min(returnable(line), Math.max(typed, mine.length));
  return { quantities: { ...quantities, [lineId]: String(quantity) }, codes: { ...codes, [lineId]: mine } };
}

/** Every returnable line set to all that is left. */
export function allQuantities(sale: Sale): Quantities {
  return Object.fromEntries(sale.lines.map((line) => [line.id, String(returnable(line))]));
}

/** The reason picked with a digit key 1–5, or null. */
export function reasonForKey(key: string): ReturnReason | null {
  const match = /^[1-5]$/.exec(halfWidth(key));
  return match ? (RETURN_REASONS[Number(match[0]) - 1] ?? null) : null;
}

export type ReturnProblem = { key: MessageKey; params?: MessageParams; field: 'lines' | 'reason' | 'note'; lineId?: string };

/** The lines to return, or the first problem with the quantities. */
export function returnLines(
  sale: Sale,
  quantities: Quantities,
  codes: PackCodes = {},
): { ok: true; lines: ReturnLineInput[] } | { ok: false; problem: ReturnProblem } {
  const lines: ReturnLineInput[] = [];
  for (const line of sale.lines) {
    const text = halfWidth(quantities[line.id] ?? '').trim();
    if (text === '' || text === '0') continue;
    if (!/^\d{1,3}$/.test(text)) {
      return { ok: false, problem: { key: 'ret.v.quantity', field: 'lines', lineId: line.id } };
    }
    const quantity = Number(text);
    const left = returnable(line);
    if (quantity > left) {
      return { ok: false, problem: { key: 'ret.v.exceeds', params: { name: line.name, left }, field: 'lines', lineId: line.id } };
    }
    const scanned = codes[line.id] ?? [];
    if (scanned.length > quantity) {
      return { ok: false, problem: { key: 'ret.v.tooManyCodes', params: { name: line.name, codes: scanned.length }, field: 'lines', lineId: line.id } };
    }
    const missing = codesNeeded(line, quantity) - scanned.length;
    if (missing > 0) {
      return { ok: false, problem: { key: 'ret.v.packCodes', params: { name: line.name, missing }, field: 'lines', lineId: line.id } };
    }
    if (quantity > 0) lines.push(scanned.length > 0 ? { sale_line_id: line.id, quantity, trace_codes: [...scanned] } : { sale_line_id: line.id, quantity });
  }
  if (lines.length === 0) return { ok: false, problem: { key: 'ret.v.nothing', field: 'lines' } };
  return { ok: true, lines };
}

/** A reason is chosen; "other quality problem" has a note; the note is not too long. */
export function reasonProblem(reason: ReturnReason | null, note: string): ReturnProblem | null {
  if (!reason) return { key: 'ret.v.reason', field: 'reason' };
  const n = note.trim();
  if (reason === 'other_quality' && !n) return { key: 'ret.v.note', field: 'note' };
  if ([...n].length > MAX_RETURN_NOTE) return { key: 'ret.v.noteTooLong', params: { max: MAX_RETURN_NOTE }, field: 'note' };
  return null;
}
