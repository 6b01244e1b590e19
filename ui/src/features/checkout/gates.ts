//! What stands between a cart and payment (`Cart.gates`, decided by the core), turned into what
//! the cashier does next, plus the client-side checks of the gate forms. The checks only give
//! instant hints; the core checks the same rules and its message is what counts.

import type { Approver, Cart, Gates, PrescriptionInput } from '../../lib/bindings';
import type { MessageKey, MessageParams } from '../../lib/i18n';
import { halfWidth } from '../member/member';

/** A gate dialog the cashier opens to clear a block. */
export type GateAction = 'allergy' | 'prescription' | 'approval' | 'ephedrineLimit' | 'ephedrineBuyer';

/** The dialog that clears one `gates.blocked` code. */
export function gateAction(code: string, gates: Gates): GateAction | null {
  switch (code) {
    case 'ALLERGY_ACK_REQUIRED':
      return 'allergy';
    case 'PRESCRIPTION_REQUIRED':
      return 'prescription';
    case 'RX_APPROVAL_REQUIRED':
      // One code for both steps: without a prescription record the first step is to write it.
      return gates.prescription ? 'approval' : 'prescription';
    case 'EPHEDRINE_LIMIT':
      return 'ephedrineLimit';
    case 'EPHEDRINE_BUYER_REQUIRED':
      return 'ephedrineBuyer';
    default:
      return null;
  }
}

/** The gates to clear, in the core's order, each as the step the cashier takes. */
export function pendingGates(gates: Gates): GateAction[] {
  return gates.blocked.map((code) => gateAction(code, gates)).filter((a): a is GateAction => a !== null);
}

/** The UI's own reason not to open the payment dialog yet, or null to go ahead. */
export function payBlock(cart: Cart | null): { key: MessageKey; params?: MessageParams; gate?: GateAction } | null {
  if (!cart || cart.lines.length === 0) return { key: 'pay.block.empty' };
  const first = pendingGates(cart.gates)[0];
  if (first) return { key: 'pay.block.gate', gate: first };
  const coupon = cart.pricing.coupon;
  if (coupon && coupon.outcome !== 'applied') {
    return { key: 'pay.block.coupon', params: { min: coupon.min_spend, net: coupon.eligible_net } };
  }
  return null;
}

// ------------------------------------------------------------------ resident ID number

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

/** Spaces dropped, full-width digits made half-width, x made X (as the core does). */
export function normalizeIdNumber(text: string): string {
  return halfWidth(text)
    .replace(/[\s\u3000]/g, '')
    .replace(/[xｘＸ]/g, 'X');
}

/** The GB 11643 check character of the first 17 digits. */
export function idCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? null;
}

/**
 * A hint about a resident ID number as it is being typed: null when it looks right (or nothing
 * was typed), else what looks wrong. Only a hint — the core's INVALID_ID_NUMBER decides.
 */
export function idNumberHint(text: string, today: string): { key: MessageKey; params?: MessageParams } | null {
  const id = normalizeIdNumber(text);
  if (!id) return null;
  if (!/^\d{17}[\dX]$/.test(id)) {
    if (!/^\d{0,17}[\dX]?$/.test(id) || /X./.test(id)) return { key: 'eph.hint.chars' };
    return { key: 'eph.hint.length', params: { count: id.length } };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const probe = new Date(Date.UTC(y, m - 1, d));
  const real = probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!real || y < 1900 || (today && birth > today) || id.startsWith('0')) return { key: 'eph.hint.birth' };
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { key: 'eph.hint.check' };
  return null;
}

// ------------------------------------------------------------------ approvals and forms

/** A staff number and PIN typed by the approving colleague. */
export function approverProblem(approver: Approver): { key: MessageKey; field: 'staffNo' | 'pin' } | null {
  if (!/^[A-Za-z0-9]{1,16}$/.test(approver.staff_no.trim())) return { key: 'approve.v.staffNo', field: 'staffNo' };
  if (!/^\d{4,8}$/.test(approver.pin)) return { key: 'approve.v.pin', field: 'pin' };
  return null;
}

export type PrescriptionField = 'hospital' | 'doctor' | 'prescribed_on' | 'diagnosis';

const RX_LIMITS: Record<Exclude<PrescriptionField, 'prescribed_on'>, { max: number; required: MessageKey }> = {
  hospital: { max: 60, required: 'rx.v.hospital' },
  doctor: { max: 30, required: 'rx.v.doctor' },
  diagnosis: { max: 100, required: 'rx.v.diagnosis' },
};

/** Every problem of the prescription form, in field order (the core's limits). */
export function prescriptionProblems(
  form: PrescriptionInput,
  today: string,
): { field: PrescriptionField; key: MessageKey; params?: MessageParams }[] {
  const problems: { field: PrescriptionField; key: MessageKey; params?: MessageParams }[] = [];
  for (const field of ['hospital', 'doctor', 'prescribed_on', 'diagnosis'] as const) {
    const value = form[field].trim();
    if (field === 'prescribed_on') {
      const date = normalizeDate(value);
      if (!date) problems.push({ field, key: 'rx.v.date' });
      else if (today && date > today) problems.push({ field, key: 'rx.v.dateFuture' });
      continue;
    }
    const { max, required } = RX_LIMITS[field];
    if (!value) problems.push({ field, key: required });
    else if ([...value].length > max) problems.push({ field, key: 'rx.v.tooLong', params: { max } });
  }
  return problems;
}

/** 2026-11-23, 2026/11/23, 2026.11.23, 20261123 → "2026-11-23" if a real date, else null. */
export function normalizeDate(text: string): string | null {
  const t = halfWidth(text.trim()).replace(/[/.年月]/g, '-').replace(/日/g, '');
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(t) ?? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return `${match[1]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
