//! The complaints section's pure parts: the lists the forms offer, the status filter keys, the
//! intake form turned into `complaint_log`'s arguments (or the field to fix), the month shown.

import type { ComplaintCategory, ComplaintChannel, NewComplaint, ComplaintStatus } from '../../../lib/bindings';
import type { MessageKey } from '../../../lib/i18n';

export const STATUSES: readonly ComplaintStatus[] = ['verifying', 'handling', 'awaiting_callback', 'closed'];
export const CATEGORIES: readonly ComplaintCategory[] = ['quality', 'service', 'price', 'other'];
export const CHANNELS: readonly ComplaintChannel[] = ['counter', 'phone', 'wechat', 'other'];

/** 0 shows every status, 1–4 one status each (in process order); other keys: undefined. */
export function filterForKey(key: string): ComplaintStatus | null | undefined {
  if (key === '0') return null;
  const n = Number(key);
  return Number.isInteger(n) && n >= 1 && n <= STATUSES.length && key.length === 1 ? STATUSES[n - 1] : undefined;
}

/** The month (`YYYY-MM`) of a business date `YYYY-MM-DD`. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export type IntakeForm = {
  who: 'member' | 'walk_in';
  memberId: string | null;
  name: string;
  phone: string;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  description: string;
  receipt: string;
  productId: string | null;
};

export function blankIntake(): IntakeForm {
  return {
    who: 'member',
    memberId: null,
    name: '',
    phone: '',
    channel: 'counter',
    category: 'quality',
    description: '',
    receipt: '',
    productId: null,
  };
}

export type IntakeField = 'member' | 'name' | 'phone' | 'description';

/** The arguments of `complaint_log`, or the first field to fix with its message. */
export function intakeArgs(f: IntakeForm): NewComplaint | { field: IntakeField; message: MessageKey } {
  const base = {
    channel: f.channel,
    category: f.category,
    description: f.description.trim(),
    ...(f.receipt.trim() ? { receipt_no: f.receipt.trim() } : {}),
    ...(f.productId ? { product_id: f.productId } : {}),
  };
  if (f.who === 'member') {
    if (!f.memberId) return { field: 'member', message: 'cp.v.member' };
  } else {
    if (!f.name.trim()) return { field: 'name', message: 'cp.v.walkIn' };
    if (!f.phone.trim()) return { field: 'phone', message: 'cp.v.walkIn' };
  }
  if (!base.description) return { field: 'description', message: 'cp.v.description' };
  return f.who === 'member'
    ? { member_id: f.memberId!, ...base }
    : { walk_in_name: f.name.trim(), walk_in_phone: f.phone.trim(), ...base };
}
