import { describe, expect, it } from 'vitest';
import { t } from '../../lib/i18n';
import { journalFilter, reasonText, routeJournalScan, tenderText, type JournalForm } from './journal';

const empty: JournalForm = { from: '', to: '', receipt: '', product: '', tender: '', kind: '' };

describe('journalFilter', () => {
  it('turns the form into the core filter', () => {
    expect(journalFilter({ ...empty, from: '2026-11-29', to: '2026-11-30', product: ' 阿莫西林 ', tender: 'cash', kind: 'sale' })).toEqual({
      filter: {
        from: '2026-11-29',
        to: '2026-11-30',
        receipt_no: null,
        member_id: null,
        member_query: null,
        cashier_id: null,
        product: '阿莫西林',
        tender: 'cash',
        kinds: ['sale'],
        limit: 200,
      },
    });
  });

  it('leaves out what is empty', () => {
    expect(journalFilter(empty, 50)).toEqual({
      filter: { from: null, to: null, receipt_no: null, member_id: null, member_query: null, cashier_id: null, product: null, tender: null, kinds: [], limit: 50 },
    });
  });

  it('finds a receipt whatever the dates say', () => {
    const built = journalFilter({ ...empty, from: '2026-11-30', to: '2026-11-30', receipt: '２０２６１１２９ 01 0003' });
    expect('filter' in built && [built.filter.receipt_no, built.filter.from, built.filter.to]).toEqual(['20261129010003', null, null]);
  });

  it('names the field that does not read', () => {
    expect(journalFilter({ ...empty, receipt: '1234' })).toEqual({ error: 'receipt' });
    expect(journalFilter({ ...empty, from: '2026-02-30' })).toEqual({ error: 'from' });
    expect(journalFilter({ ...empty, to: 'today' })).toEqual({ error: 'to' });
    expect(journalFilter({ ...empty, from: '2026-11-30', to: '2026-11-29' })).toEqual({ error: 'range' });
  });
});

describe('routeJournalScan', () => {
  it('tells a receipt number from a product barcode', () => {
    expect(routeJournalScan('20261130010001')).toEqual({ receipt: '20261130010001' });
    expect(routeJournalScan('6907462053312')).toEqual({ product: '6907462053312' });
  });
});

describe('row text', () => {
  it('names the tenders in Chinese', () => {
    expect(tenderText('cash 50.00', t)).toBe('现金 ¥50.00');
    expect(tenderText('insurance 12.80', t)).toBe('医保 ¥12.80');
    expect(tenderText('bitcoin 1.00', t)).toBe('bitcoin ¥1.00');
  });

  it('names a return reason, keeps a cancellation’s words', () => {
    expect(reasonText({ kind: 'return', reason: 'damaged' }, t)).toBe('包装破损');
    expect(reasonText({ kind: 'cancelled', reason: '顾客不要了' }, t)).toBe('顾客不要了');
    expect(reasonText({ kind: 'sale', reason: null }, t)).toBe('');
  });
  it('passes the member found and the cashier chosen', () => {
    const built = journalFilter({ ...empty, from: '2026-11-30', to: '2026-11-30', cashier: 'staff-1', member: ' 5678 ' }, 100);
    expect(built).toMatchObject({ filter: { member_query: '5678', cashier_id: 'staff-1', from: '2026-11-30' } });
    expect(journalFilter(empty)).toMatchObject({ filter: { member_query: null, cashier_id: null } });
  });
});
