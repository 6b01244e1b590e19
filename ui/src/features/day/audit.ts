//! The audit log screen's pure parts, tested in `audit.test.ts`: the actions the core records,
//! the date filter turned into the core's stamps, and an entry's detail made readable.

import type { AuditFilter } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { shortHash } from './report';

/** Every action the core records (docs/api.md `audit_list`), in the order the filter lists them. */
export const AUDIT_ACTIONS = [
  'login',
  'staff.create',
  'staff.pin_change',
  'staff.pin_reset',
  'staff.roles',
  'staff.activate',
  'staff.deactivate',
  'settings.pharmacy',
  'settings.till',
  'settings.day',
  'settings.backup',
  'rules.update',
  'points.adjust',
  'price.override',
  'sale.cancel',
  'return',
  'health.access',
  'member.full_phone_view',
  'member.export',
  'shift.open',
  'cash.in',
  'cash.out',
  'shift.close',
  'day.close',
  'report.print',
  'report.export',
  'backup',
  'backup.restore',
  'trace.export',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The label key of an action; an action this UI does not know yet shows as the core names it. */
export function actionKey(action: string): MessageKey | null {
  return (AUDIT_ACTIONS as readonly string[]).includes(action) ? (`audit.action.${action}` as MessageKey) : null;
}

/** A typed `YYYY-MM-DD` that is a real date, as [y, m, d]; null otherwise. */
export function readDate(text: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return null;
  return [y, mo, d];
}

/**
 * The moment a store date (China time) begins, written the way the core stores stamps
 * (RFC 3339 UTC with milliseconds), so the core's text comparison is right. `days` moves it on.
 */
export function storeDayStart(date: [number, number, number], days = 0): string {
  const [y, m, d] = date;
  return new Date(Date.UTC(y, m - 1, d + days) - 8 * 3600_000).toISOString();
}

export type AuditForm = { action: string; from: string; to: string; staffId?: string };

/**
 * The form as the core's filter: `from` from the start of its day, `to` up to the end of its
 * day (both store dates, both inclusive); a field left empty does not filter. `error` names
 * the date field that does not read, or a range that ends before it starts.
 */
export function auditFilter(form: AuditForm, limit = 200): { filter: AuditFilter } | { error: 'from' | 'to' | 'range' } {
  const from = form.from.trim() === '' ? null : readDate(form.from);
  if (form.from.trim() !== '' && !from) return { error: 'from' };
  const to = form.to.trim() === '' ? null : readDate(form.to);
  if (form.to.trim() !== '' && !to) return { error: 'to' };
  const filter: AuditFilter = {
    from: from ? storeDayStart(from) : null,
    to: to ? storeDayStart(to, 1) : null,
    action: form.action === '' ? null : form.action,
    staff_id: form.staffId || null,
    limit,
  };
  if (filter.from && filter.to && filter.from >= filter.to) return { error: 'range' };
  return { filter };
}

/** Names of the detail fields the core writes, in Chinese. */
const DETAIL_KEYS: Record<string, MessageKey> = {
  float: 'audit.detail.float',
  amount: 'audit.detail.amount',
  reason: 'audit.detail.reason',
  expected: 'audit.detail.expected',
  counted: 'audit.detail.counted',
  over_short: 'audit.detail.overShort',
  number: 'audit.detail.number',
  sealed_hash: 'audit.detail.sealedHash',
  outcome: 'audit.detail.outcome',
  before: 'audit.detail.before',
  after: 'audit.detail.after',
};

type T = (key: MessageKey) => string;

/**
 * An entry's detail (a JSON object as text) as "备用金 500.00 · 原因 …": known fields by their
 * Chinese name, others as the core names them, a SHA-256 hash shortened (the row's tooltip has
 * the whole text); text that is not a JSON object is shown as it is.
 */
export function detailText(detail: string, t: T): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return detail;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return detail;
  return Object.entries(parsed as Record<string, unknown>)
    .map(([key, value]) => {
      const name = DETAIL_KEYS[key] ? t(DETAIL_KEYS[key]) : key;
      const text = typeof value !== 'string' ? JSON.stringify(value) : /^[0-9a-f]{64}$/.test(value) ? shortHash(value) : value;
      return `${name} ${text}`;
    })
    .join(' · ');
}
