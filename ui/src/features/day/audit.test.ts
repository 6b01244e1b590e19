import { describe, expect, it } from 'vitest';
import { messages, t } from '../../lib/i18n';
import { AUDIT_ACTIONS, actionKey, auditFilter, detailText, readDate, storeDayStart } from './audit';

describe('audit actions', () => {
  it('has a Chinese label for every action the core records', () => {
    for (const action of AUDIT_ACTIONS) {
      const key = actionKey(action);
      expect(key, action).not.toBeNull();
      expect(messages('zh-CN')[key!], action).toBeTruthy();
    }
    expect(actionKey('something.new')).toBeNull();
  });
});

describe('dates', () => {
  it('reads real YYYY-MM-DD dates only', () => {
    expect(readDate('2026-11-30')).toEqual([2026, 11, 30]);
    expect(readDate(' 2024-02-29 ')).toEqual([2024, 2, 29]);
    for (const bad of ['2026-02-30', '2026-13-01', '2026/11/30', '20261130', '']) expect(readDate(bad), bad).toBeNull();
  });

  it('starts a store day at midnight China time, written like the core’s stamps', () => {
    expect(storeDayStart([2026, 11, 30])).toBe('2026-11-29T16:00:00.000Z');
    expect(storeDayStart([2026, 12, 31], 1)).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('auditFilter', () => {
  it('turns the form into the core filter, both dates inclusive', () => {
    expect(auditFilter({ action: 'day.close', from: '2026-11-01', to: '2026-11-30' })).toEqual({
      filter: {
        action: 'day.close',
        from: '2026-10-31T16:00:00.000Z',
        to: '2026-11-30T16:00:00.000Z',
        staff_id: null,
        limit: 200,
      },
    });
  });

  it('leaves out what is empty', () => {
    expect(auditFilter({ action: '', from: '', to: '' }, 50)).toEqual({
      filter: { action: null, from: null, to: null, staff_id: null, limit: 50 },
    });
  });

  it('one day is a whole day', () => {
    const built = auditFilter({ action: '', from: '2026-11-30', to: '2026-11-30' });
    expect('filter' in built && [built.filter.from, built.filter.to]).toEqual(['2026-11-29T16:00:00.000Z', '2026-11-30T16:00:00.000Z']);
  });

  it('names the field that does not read, and a range that ends before it starts', () => {
    expect(auditFilter({ action: '', from: '2026-11-31', to: '' })).toEqual({ error: 'from' });
    expect(auditFilter({ action: '', from: '', to: 'yesterday' })).toEqual({ error: 'to' });
    expect(auditFilter({ action: '', from: '2026-11-30', to: '2026-11-29' })).toEqual({ error: 'range' });
  });
});

describe('detailText', () => {
  it('names the known fields in Chinese and keeps the others', () => {
    expect(detailText('{"amount":"200.00","reason":"存银行"}', t)).toBe('金额 200.00 · 原因 存银行');
    expect(detailText('{"expected":"538.60","counted":"538.50","over_short":"-0.10"}', t)).toBe(
      '应有 538.60 · 实点 538.50 · 长短款 -0.10',
    );
    expect(detailText('{"outcome":"ok","staff_no":"1001"}', t)).toBe('结果 ok · staff_no 1001');
    expect(detailText('{"number":1}', t)).toBe('编号 1');
    const hash = '8c0dc8e9848732f3e9479ac1b6bc3bc0611d98c93f7dd81ac0d3b3ef7de8f69c';
    expect(detailText(`{"number":2,"sealed_hash":"${hash}"}`, t)).toBe('编号 2 · 封存哈希 8c0dc8e9…7de8f69c');
  });

  it('shows text that is not a JSON object as it is', () => {
    expect(detailText('not json', t)).toBe('not json');
    expect(detailText('[1,2]', t)).toBe('[1,2]');
    expect(detailText('{}', t)).toBe('');
  });
  it('filters by the staff member chosen', () => {
    expect(auditFilter({ action: '', from: '', to: '', staffId: 'staff-7' })).toMatchObject({ filter: { staff_id: 'staff-7' } });
    expect(auditFilter({ action: '', from: '', to: '' })).toMatchObject({ filter: { staff_id: null } });
  });
});
