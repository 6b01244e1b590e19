//! The arithmetic of the payment dialog, in integer fen (never floats): what is still due, the
//! change, which amount to suggest for a tender, and the checks of PRODUCT.md §4 rule 8 made
//! before `sale_pay` so the cashier sees a problem at once. The core checks everything again
//! (`pricing::settle`) and stays the authority.

import type { Tender, TenderKind } from '../../lib/bindings';
import type { MessageKey, MessageParams } from '../../lib/i18n';
import { fromFen, parseAmountInput } from '../../lib/money';
import { paymentCodeKind, takesReference, validReference, type PaymentCodeKind } from './paymentCode';

/** The tenders in the order the dialog offers them; F1…F5 pick them in this order. */
export const TENDER_KINDS: readonly TenderKind[] = ['cash', 'wechat', 'alipay', 'card', 'insurance'];

/** At most 8 tenders per sale (the core's limit). */
export const MAX_TENDERS = 8;

/**
 * A tender the cashier entered, before it is sent: the amount in fen; 医保's settlement number;
 * for WeChat, Alipay and card the reference (a scanned 付款码 or the terminal's number).
 */
export type DraftTender = { kind: TenderKind; fen: number; settlementNo?: string; reference?: string };

export type TenderTotals = {
  /** Σ of every tender. */
  tendered: number;
  cash: number;
  /** Σ of every non-cash tender (医保 included). */
  nonCash: number;
  insurance: number;
  /** Still to pay; 0 once the tenders cover the amount due. */
  remaining: number;
  /** Cash given back: only cash may exceed what is due. */
  change: number;
};

export function tenderTotals(payable: number, tenders: readonly DraftTender[]): TenderTotals {
  let cash = 0;
  let nonCash = 0;
  let insurance = 0;
  for (const t of tenders) {
    if (t.kind === 'cash') cash += t.fen;
    else nonCash += t.fen;
    if (t.kind === 'insurance') insurance += t.fen;
  }
  const tendered = cash + nonCash;
  return {
    tendered,
    cash,
    nonCash,
    insurance,
    remaining: Math.max(0, payable - tendered),
    change: Math.max(0, tendered - payable),
  };
}

/**
 * The amount a tender starts with: what is still due; for 医保 no more than what the insurance
 * cap leaves (PRODUCT.md §4 rule 8), which may be 0 when nothing is insurance-listed.
 */
export function suggestedFen(
  kind: TenderKind,
  payable: number,
  insuranceCap: number,
  tenders: readonly DraftTender[],
): number {
  const totals = tenderTotals(payable, tenders);
  if (kind !== 'insurance') return totals.remaining;
  return Math.max(0, Math.min(totals.remaining, insuranceCap - totals.insurance));
}

/** 医保结算单号 as the core accepts it: letters, digits and '-', 1–40 characters. */
export function validSettlementNo(text: string): boolean {
  return /^[A-Za-z0-9-]{1,40}$/.test(text.trim());
}

export type TenderProblem = { key: MessageKey; params?: MessageParams; field: 'amount' | 'settlement' | 'reference' };

/** What is wrong with adding this tender to `tenders`, or null. */
export function tenderProblem(
  tender: DraftTender,
  payable: number,
  insuranceCap: number,
  tenders: readonly DraftTender[],
): TenderProblem | null {
  if (tenders.length >= MAX_TENDERS) return { key: 'pay.v.tooMany', params: { max: MAX_TENDERS }, field: 'amount' };
  if (tender.fen <= 0) return { key: 'pay.v.amount', field: 'amount' };
  const totals = tenderTotals(payable, tenders);
  if (tender.kind === 'insurance') {
    if (totals.insurance + tender.fen > insuranceCap) {
      return { key: 'pay.v.overCap', params: { cap: fromFen(insuranceCap) }, field: 'amount' };
    }
    if (!validSettlementNo(tender.settlementNo ?? '')) return { key: 'pay.v.settlement', field: 'settlement' };
  }
  if (takesReference(tender.kind) && !validReference(tender.reference ?? '')) {
    return { key: 'pay.v.reference', field: 'reference' };
  }
  if (tender.kind !== 'cash' && totals.nonCash + tender.fen > payable) {
    return {
      key: 'pay.v.nonCashOver',
      params: { max: fromFen(Math.max(0, payable - totals.nonCash)) },
      field: 'amount',
    };
  }
  return null;
}

/** The tenders as `sale_pay` takes them (a reference only when there is one). */
export function toTenders(tenders: readonly DraftTender[]): Tender[] {
  return tenders.map((t): Tender => {
    if (t.kind === 'insurance') return { kind: t.kind, amount: fromFen(t.fen), settlement_no: (t.settlementNo ?? '').trim() };
    const reference = takesReference(t.kind) ? (t.reference ?? '').trim() : '';
    return reference ? { kind: t.kind, amount: fromFen(t.fen), reference } : { kind: t.kind, amount: fromFen(t.fen) };
  });
}

/** What Enter in the payment dialog does. */
export type PayStep =
  /** Add the tender; more is still due. */
  | { action: 'add'; tenders: DraftTender[] }
  /** Add the tender (if any) and pay: the tenders now cover the amount due. */
  | { action: 'pay'; tenders: DraftTender[] }
  /** 医保 needs its settlement number first: go to that field. */
  | { action: 'settlement' }
  | { action: 'problem'; problem: TenderProblem };

export type PayInput = {
  kind: TenderKind;
  amountText: string;
  settlementNo: string;
  /** WeChat, Alipay, card: the 付款码 scanned or the transaction number typed ('' for none). */
  reference?: string;
  /** Where Enter was pressed. */
  from: 'amount' | 'settlement' | 'reference';
  payable: number;
  insuranceCap: number;
  tenders: readonly DraftTender[];
};

/**
 * Enter in the payment dialog. An empty amount pays when nothing is due any more; otherwise
 * the typed amount becomes a tender, and the sale is paid as soon as the tenders cover it —
 * cash 100 ⏎ on a 29.10 sale pays and gives 70.90 change in one key.
 */
export function paymentEnter(input: PayInput): PayStep {
  const { payable, insuranceCap, tenders } = input;
  const totals = tenderTotals(payable, tenders);
  if (input.amountText.trim() === '') {
    if (totals.remaining === 0) return { action: 'pay', tenders: [...tenders] };
    return { action: 'problem', problem: { key: 'pay.v.remaining', params: { amount: fromFen(totals.remaining) }, field: 'amount' } };
  }
  const amount = parseAmountInput(input.amountText);
  if (amount === null) return { action: 'problem', problem: { key: 'pay.v.amount', field: 'amount' } };
  if (input.kind === 'insurance' && input.from === 'amount' && !validSettlementNo(input.settlementNo)) {
    return { action: 'settlement' };
  }
  const reference = (input.reference ?? '').trim();
  const tender: DraftTender =
    input.kind === 'insurance'
      ? { kind: 'insurance', fen: amount, settlementNo: input.settlementNo.trim() }
      : takesReference(input.kind) && reference
        ? { kind: input.kind, fen: amount, reference }
        : { kind: input.kind, fen: amount };
  const problem = tenderProblem(tender, payable, insuranceCap, tenders);
  if (problem) return { action: 'problem', problem };
  const next = [...tenders, tender];
  return tenderTotals(payable, next).remaining === 0 ? { action: 'pay', tenders: next } : { action: 'add', tenders: next };
}

/** What a scan in the payment dialog does. */
export type PaymentScan =
  /** A 付款码: this tender, the amount still due, the code as its reference. */
  | { action: 'fill'; kind: PaymentCodeKind; fen: number; reference: string }
  /** A 付款码, but nothing is due any more (the tenders already cover the sale). */
  | { action: 'nothingDue'; kind: PaymentCodeKind }
  /** Not a payment code (a product, a member card): refused while the amount due is on screen. */
  | { action: 'refused' };

export function paymentScan(code: string, payable: number, tenders: readonly DraftTender[]): PaymentScan {
  const kind = paymentCodeKind(code);
  if (!kind) return { action: 'refused' };
  const due = suggestedFen(kind, payable, 0, tenders);
  return due > 0 ? { action: 'fill', kind, fen: due, reference: code.trim() } : { action: 'nothingDue', kind };
}
