//! Small pure helpers of the handover slip and the day-close report, tested in `report.test.ts`.
//! Amounts stay the core's strings; only signs are read here.

import type { Money } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { fen } from '../../lib/money';

/** 长款 (more cash than expected), 短款 (less) or 平 (exact). */
export type OverShort = 'over' | 'short' | 'even';

export function overShortOf(amount: Money): OverShort {
  const f = fen(amount);
  return f > 0 ? 'over' : f < 0 ? 'short' : 'even';
}

/** "长款 0.10" / "短款 0.10" / "平" as message key and the unsigned amount. */
export function overShortLabel(amount: Money): { key: MessageKey; amount: Money } {
  const kind = overShortOf(amount);
  const key: MessageKey = kind === 'over' ? 'slip.over' : kind === 'short' ? 'slip.short' : 'slip.even';
  return { key, amount: amount.startsWith('-') ? amount.slice(1) : amount };
}

/** A long hash made readable: the first and last 8 characters ("9f86d081…b0f00a08"). */
export function shortHash(hash: string): string {
  return hash.length <= 20 ? hash : `${hash.slice(0, 8)}…${hash.slice(-8)}`;
}

const TENDER_KINDS = ['cash', 'wechat', 'alipay', 'card', 'insurance'];

/** The message key of a tender kind the core names (an unknown kind shows as it is). */
export function tenderKey(kind: string): MessageKey | null {
  return TENDER_KINDS.includes(kind) ? (`tender.${kind}` as MessageKey) : null;
}

/** `HH:MM` of a stamp in China time (the store's clock), `''` for none. */
export function clockTime(stamp: string | null): string {
  if (!stamp) return '';
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) return stamp;
  const d = new Date(ms + 8 * 3600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
