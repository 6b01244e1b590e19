//! The sales journal's pure parts, tested in `journal.test.ts`: the filter form turned into the
//! core's `JournalFilter`, a scanned code told apart (receipt or product), and a row's tenders
//! and reason made readable.

import type { JournalFilter, JournalKind, JournalRow, ReturnReason, TenderKind } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { readDate } from '../day/audit';
import { parseReceiptNo } from '../returns/returns';

export const JOURNAL_KINDS: readonly JournalKind[] = ['sale', 'return', 'cancelled'];
export const TENDER_KINDS: readonly TenderKind[] = ['cash', 'wechat', 'alipay', 'card', 'insurance'];
const RETURN_REASONS: readonly string[] = ['damaged', 'spoiled', 'expired', 'wrong_batch', 'other_quality'];

export type JournalForm = {
  from: string;
  to: string;
  receipt: string;
  product: string;
  tender: TenderKind | '';
  kind: JournalKind | '';
  /** A member's phone, card number or last 4 digits (the core finds the one member). */
  member?: string;
  /** A staff id, or '' for everyone. */
  cashier?: string;
};

export type JournalField = 'from' | 'to' | 'receipt';

/**
 * The form as the core's filter. A receipt number finds that receipt (and a sale's returns)
 * whatever the dates say: it carries its own business date, and an old receipt is the usual
 * reason to type one. `error` names the field that does not read (`range`: `to` before `from`).
 */
export function journalFilter(
  form: JournalForm,
  limit = 200,
): { filter: JournalFilter } | { error: JournalField | 'range' } {
  const receiptText = form.receipt.trim();
  const receipt = receiptText === '' ? null : parseReceiptNo(receiptText);
  if (receiptText !== '' && !receipt) return { error: 'receipt' };
  let from: string | null = null;
  let to: string | null = null;
  if (!receipt) {
    if (form.from.trim() !== '' && !readDate(form.from)) return { error: 'from' };
    if (form.to.trim() !== '' && !readDate(form.to)) return { error: 'to' };
    from = form.from.trim() || null;
    to = form.to.trim() || null;
    if (from && to && from > to) return { error: 'range' };
  }
  return {
    filter: {
      from,
      to,
      receipt_no: receipt,
      member_id: null,
      member_query: form.member?.trim() || null,
      cashier_id: form.cashier || null,
      product: form.product.trim() || null,
      tender: form.tender || null,
      kinds: form.kind ? [form.kind] : [],
      limit,
    },
  };
}

/** A scanned code on the journal: 14 digits are a receipt number, anything else a product. */
export function routeJournalScan(code: string): { receipt: string } | { product: string } {
  const receipt = parseReceiptNo(code);
  return receipt ? { receipt } : { product: code };
}

type T = (key: MessageKey) => string;

/** `cash 50.00` → `现金 ¥50.00`; a kind this UI does not know stays as the core wrote it. */
export function tenderText(pair: string, t: T): string {
  const [kind, amount] = pair.split(' ');
  const known = (TENDER_KINDS as readonly string[]).includes(kind ?? '');
  return `${known ? t(`tender.${kind as TenderKind}`) : kind} ¥${amount ?? ''}`.trim();
}

/** Why: a return's reason code in Chinese, a cancellation's own words. */
export function reasonText(row: Pick<JournalRow, 'kind' | 'reason'>, t: T): string {
  if (!row.reason) return '';
  if (row.kind === 'return' && RETURN_REASONS.includes(row.reason)) return t(`ret.reason.${row.reason as ReturnReason}`);
  return row.reason;
}

/** The key of a row, unique across kinds (a cancelled cart and a sale never share an id, but be safe). */
export function rowKey(row: Pick<JournalRow, 'kind' | 'id'>): string {
  return `${row.kind}:${row.id}`;
}
