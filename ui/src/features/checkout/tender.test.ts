import { describe, expect, it } from 'vitest';
import { paymentEnter, suggestedFen, tenderProblem, tenderTotals, toTenders, validSettlementNo, type DraftTender, type PayInput } from './tender';

const cash = (fen: number): DraftTender => ({ kind: 'cash', fen });
const wechat = (fen: number): DraftTender => ({ kind: 'wechat', fen });
const insurance = (fen: number, settlementNo = 'YB-001'): DraftTender => ({ kind: 'insurance', fen, settlementNo });

describe('tender totals', () => {
  it('shows what is still due, and change only once it is covered', () => {
    expect(tenderTotals(2910, [])).toMatchObject({ tendered: 0, remaining: 2910, change: 0 });
    expect(tenderTotals(2910, [wechat(2000)])).toMatchObject({ tendered: 2000, nonCash: 2000, remaining: 910, change: 0 });
    expect(tenderTotals(2910, [wechat(2000), cash(1000)])).toMatchObject({ cash: 1000, remaining: 0, change: 90 });
    expect(tenderTotals(2910, [cash(10000)])).toMatchObject({ remaining: 0, change: 7090 });
    expect(tenderTotals(0, [])).toMatchObject({ remaining: 0, change: 0 });
  });

  it('adds in fen, so 0.10 + 0.20 is exactly 0.30', () => {
    expect(tenderTotals(30, [cash(10), wechat(20)])).toMatchObject({ tendered: 30, remaining: 0, change: 0 });
  });

  it('counts 医保 apart', () => {
    expect(tenderTotals(5000, [insurance(1200), cash(3800)])).toMatchObject({ insurance: 1200, nonCash: 1200, remaining: 0 });
  });
});

describe('suggested amount', () => {
  it('is what is still due', () => {
    expect(suggestedFen('cash', 2910, 0, [])).toBe(2910);
    expect(suggestedFen('alipay', 2910, 0, [wechat(2000)])).toBe(910);
    expect(suggestedFen('cash', 2910, 0, [cash(5000)])).toBe(0);
  });

  it('never exceeds the insurance cap, less what 医保 already pays', () => {
    expect(suggestedFen('insurance', 2910, 1280, [])).toBe(1280);
    expect(suggestedFen('insurance', 2910, 1280, [insurance(1000)])).toBe(280);
    expect(suggestedFen('insurance', 2910, 0, [])).toBe(0);
    expect(suggestedFen('insurance', 500, 1280, [])).toBe(500);
  });
});

describe('tender checks (rule 8)', () => {
  it('refuses nothing, too many tenders and non-cash above the amount due', () => {
    expect(tenderProblem(cash(0), 2910, 0, [])?.key).toBe('pay.v.amount');
    expect(tenderProblem(cash(1), 2910, 0, Array.from({ length: 8 }, () => cash(1)))?.key).toBe('pay.v.tooMany');
    expect(tenderProblem(wechat(3000), 2910, 0, [])).toMatchObject({ key: 'pay.v.nonCashOver', params: { max: '29.10' } });
    expect(tenderProblem(wechat(910), 2910, 0, [wechat(2000)])).toBeNull();
    expect(tenderProblem(cash(10000), 2910, 0, [wechat(2000)])).toBeNull();
  });

  it('keeps 医保 within the cap and wants its settlement number', () => {
    expect(tenderProblem(insurance(1300), 2910, 1280, [])).toMatchObject({ key: 'pay.v.overCap', params: { cap: '12.80' } });
    expect(tenderProblem(insurance(1280, ''), 2910, 1280, [])).toMatchObject({ key: 'pay.v.settlement', field: 'settlement' });
    expect(tenderProblem(insurance(1280), 2910, 1280, [])).toBeNull();
    expect(validSettlementNo('YB20261123-0001')).toBe(true);
    expect(validSettlementNo('医保 1')).toBe(false);
    expect(validSettlementNo('x'.repeat(41))).toBe(false);
  });

  it('sends amounts as the core’s 2-decimal strings', () => {
    expect(toTenders([wechat(2000), cash(1000), insurance(5, ' YB1 ')])).toEqual([
      { kind: 'wechat', amount: '20.00' },
      { kind: 'cash', amount: '10.00' },
      { kind: 'insurance', amount: '0.05', settlement_no: 'YB1' },
    ]);
  });
});

describe('Enter in the payment dialog', () => {
  const base: PayInput = { kind: 'cash', amountText: '', settlementNo: '', from: 'amount', payable: 2910, insuranceCap: 0, tenders: [] };

  it('pays at once when cash covers the sale, change and all', () => {
    expect(paymentEnter({ ...base, amountText: '100' })).toEqual({ action: 'pay', tenders: [cash(10000)] });
    expect(paymentEnter({ ...base, amountText: '29.1' })).toEqual({ action: 'pay', tenders: [cash(2910)] });
  });

  it('adds a part payment and waits for the rest', () => {
    expect(paymentEnter({ ...base, kind: 'wechat', amountText: '20' })).toEqual({ action: 'add', tenders: [wechat(2000)] });
    expect(paymentEnter({ ...base, amountText: '9.10', tenders: [wechat(2000)] })).toEqual({
      action: 'pay',
      tenders: [wechat(2000), cash(910)],
    });
  });

  it('pays on an empty amount only when nothing is due', () => {
    expect(paymentEnter({ ...base, tenders: [cash(5000)] })).toEqual({ action: 'pay', tenders: [cash(5000)] });
    expect(paymentEnter({ ...base, payable: 0 })).toEqual({ action: 'pay', tenders: [] });
    expect(paymentEnter({ ...base, tenders: [wechat(2000)] })).toMatchObject({
      action: 'problem',
      problem: { key: 'pay.v.remaining', params: { amount: '9.10' } },
    });
  });

  it('refuses amounts that are not money', () => {
    for (const amountText of ['abc', '1.234', '-5', '0', '1,000']) {
      expect(paymentEnter({ ...base, amountText }).action, amountText).toBe('problem');
    }
    expect(paymentEnter({ ...base, amountText: '１００' }).action).toBe('pay');
  });

  it('asks for the 医保 settlement number before adding 医保', () => {
    const ins: PayInput = { ...base, kind: 'insurance', insuranceCap: 1280, amountText: '12.80' };
    expect(paymentEnter(ins)).toEqual({ action: 'settlement' });
    expect(paymentEnter({ ...ins, from: 'settlement' }).action).toBe('problem');
    expect(paymentEnter({ ...ins, settlementNo: 'YB-001', from: 'settlement' })).toEqual({
      action: 'add',
      tenders: [insurance(1280)],
    });
  });
});
