import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../lib/bindings';
import { t } from '../../lib/i18n';
import { checkSyncForm, lastSyncLabel, storeTime } from './sync';

const base: SyncStatus = {
  hq_url: 'https://hq.example.com',
  has_token: true,
  nightly_at: '02:00',
  unsynced: 3,
  waiting: 0,
  conflicts: 0,
  pull_cursor: 0,
  last_attempt_at: null,
  last_success_at: null,
  last_error: null,
};

describe('sync status', () => {
  it('shows the store time of the last success, with the date when not today', () => {
    const now = new Date('2026-11-29T04:00:00Z'); // 12:00 in China
    expect(storeTime('2026-11-28T18:03:00Z', now)).toBe('02:03');
    expect(storeTime('2026-11-27T18:03:00Z', now)).toBe('11-28 02:03');
  });

  it('says never, not connected, or when', () => {
    const now = new Date('2026-11-29T04:00:00Z');
    expect(lastSyncLabel(base, t, now)).toBe('从未同步');
    expect(lastSyncLabel({ ...base, hq_url: '' }, t, now)).toBe('未连接总部');
    expect(lastSyncLabel({ ...base, last_success_at: '2026-11-28T18:03:00.000Z' }, t, now)).toBe('上次同步 02:03');
  });

  it('checks the settings form before sending it', () => {
    expect(checkSyncForm('https://hq.example.com', 'a'.repeat(64), '02:00')).toBeNull();
    expect(checkSyncForm('hq.example.com', 'a'.repeat(64), '02:00')).toBe('sync.v.url');
    expect(checkSyncForm('https://hq.example.com', 'short', '02:00')).toBe('sync.v.token');
    expect(checkSyncForm('https://hq.example.com', '', '02:00')).toBe('sync.v.token');
    expect(checkSyncForm('https://hq.example.com', '', '03:30', true)).toBeNull();
    expect(checkSyncForm('https://hq.example.com', 'a'.repeat(64), '24:00')).toBe('sync.v.nightly');
    expect(checkSyncForm('https://hq.example.com', 'a'.repeat(64), '2:00')).toBe('sync.v.nightly');
  });
});
