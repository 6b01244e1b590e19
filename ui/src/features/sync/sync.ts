//! Small pure helpers of the sync screens, tested in `sync.test.ts`.

import type { SyncStatus } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `HH:MM` of an RFC 3339 stamp in China time (the store's time), or the date when not today. */
export function storeTime(stamp: string, now: Date = new Date()): string {
  const at = new Date(stamp);
  const china = (d: Date) => new Date(d.getTime() + 8 * 3600_000);
  const a = china(at);
  const n = china(now);
  const hhmm = `${String(a.getUTCHours()).padStart(2, '0')}:${String(a.getUTCMinutes()).padStart(2, '0')}`;
  const sameDay =
    a.getUTCFullYear() === n.getUTCFullYear() && a.getUTCMonth() === n.getUTCMonth() && a.getUTCDate() === n.getUTCDate();
  if (sameDay) return hhmm;
  return `${a.getUTCMonth() + 1}-${String(a.getUTCDate()).padStart(2, '0')} ${hhmm}`;
}

/** "上次同步 02:03", "从未同步" or "未连接总部". */
export function lastSyncLabel(s: SyncStatus, t: T, now: Date = new Date()): string {
  if (s.hq_url === '' || !s.has_token) return t('sync.offline');
  if (!s.last_success_at) return t('sync.never');
  return t('sync.last', { at: storeTime(s.last_success_at, now) });
}

/** What is wrong with the sync settings form, as a message key; `null` when it can be sent. An
 * empty token keeps the saved one (`hasToken`). */
export function checkSyncForm(url: string, token: string, nightly: string, hasToken = false): MessageKey | null {
  const u = url.trim();
  if (!/^https?:\/\/\S{3,}$/.test(u)) return 'sync.v.url';
  const tk = token.trim();
  if (!(tk === '' && hasToken) && (tk.length < 16 || /\s/.test(tk))) return 'sync.v.token';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(nightly.trim())) return 'sync.v.nightly';
  return null;
}
