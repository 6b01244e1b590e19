import { describe, expect, it } from 'vitest';
import { paymentCodeKind, shortReference, takesReference, validReference } from './paymentCode';
import { paymentEnter, paymentScan, toTenders } from './tender';

describe('付款码: which wallet a scanned code is', () => {
  it('reads WeChat Pay: 18 digits starting 10–15', () => {
    for (const prefix of ['10', '11', '12', '13', '14', '15']) {
      expect(paymentCodeKind(`${prefix}${'3'.repeat(16)}`)).toBe('wechat');
    }
    expect(paymentCodeKind('134567890123456789')).toBe('wechat');
    expect(paymentCodeKind('16' + '0'.repeat(16))).toBeNull();
    expect(paymentCodeKind('09' + '0'.repeat(16))).toBeNull();
    expect(paymentCodeKind('13' + '0'.repeat(15))).toBeNull(); // 17 digits
    expect(paymentCodeKind('13' + '0'.repeat(17))).toBeNull(); // 19 digits
  });

  it('reads Alipay: 16–24 digits starting 25–30', () => {
    for (const prefix of ['25', '26', '27', '28', '29', '30']) {
      expect(paymentCodeKind(`${prefix}${'7'.repeat(16)}`)).toBe('alipay');
    }
    expect(paymentCodeKind('28' + '1'.repeat(14))).toBe('alipay'); // 16 digits
    expect(paymentCodeKind('28' + '1'.repeat(22))).toBe('alipay'); // 24 digits
    expect(paymentCodeKind('28' + '1'.repeat(13))).toBeNull(); // 15 digits
    expect(paymentCodeKind('28' + '1'.repeat(23))).toBeNull(); // 25 digits
    expect(paymentCodeKind('31' + '1'.repeat(16))).toBeNull();
    expect(paymentCodeKind('24' + '1'.repeat(16))).toBeNull();
  });

  it('never takes a product barcode, a member card or a phone for a payment code', () => {
    expect(paymentCodeKind('6907462053312')).toBeNull();
    expect(paymentCodeKind('2900000000017')).toBeNull();
    expect(paymentCodeKind('13912345678')).toBeNull();
    expect(paymentCodeKind('28a1111111111111')).toBeNull();
  });
});

describe('a payment-code scan in the payment dialog', () => {
  const wechatCode = '134567890123456789';
  const alipayCode = '2812345678901234567';

  it('picks the tender, fills what is still due and keeps the code as the reference', () => {
    expect(paymentScan(wechatCode, 2910, [])).toEqual({ action: 'fill', kind: 'wechat', fen: 2910, reference: wechatCode });
    expect(paymentScan(alipayCode, 2910, [{ kind: 'cash', fen: 1000 }])).toEqual({
      action: 'fill',
      kind: 'alipay',
      fen: 1910,
      reference: alipayCode,
    });
  });

  it('has nothing to fill once the tenders cover the sale, and refuses what is no payment code', () => {
    expect(paymentScan(wechatCode, 2910, [{ kind: 'cash', fen: 3000 }])).toEqual({ action: 'nothingDue', kind: 'wechat' });
    expect(paymentScan('6907462053312', 2910, [])).toEqual({ action: 'refused' });
  });

  it('sends the reference with the tender, and only for WeChat, Alipay and card', () => {
    const step = paymentEnter({
      kind: 'wechat',
      amountText: '29.10',
      settlementNo: '',
      reference: wechatCode,
      from: 'amount',
      payable: 2910,
      insuranceCap: 0,
      tenders: [],
    });
    expect(step).toEqual({ action: 'pay', tenders: [{ kind: 'wechat', fen: 2910, reference: wechatCode }] });
    expect(toTenders(step.action === 'pay' ? step.tenders : [])).toEqual([{ kind: 'wechat', amount: '29.10', reference: wechatCode }]);
    expect(toTenders([{ kind: 'cash', fen: 100, reference: 'x' }])).toEqual([{ kind: 'cash', amount: '1.00' }]);
    expect(toTenders([{ kind: 'card', fen: 100, reference: ' ' }])).toEqual([{ kind: 'card', amount: '1.00' }]);
    expect(takesReference('card')).toBe(true);
    expect(takesReference('insurance')).toBe(false);
  });

  it('refuses a reference the core would refuse', () => {
    const step = paymentEnter({
      kind: 'card',
      amountText: '10',
      settlementNo: '',
      reference: '刷卡 123',
      from: 'amount',
      payable: 2910,
      insuranceCap: 0,
      tenders: [],
    });
    expect(step).toEqual({ action: 'problem', problem: { key: 'pay.v.reference', field: 'reference' } });
    expect(validReference('POS-20261207-0001')).toBe(true);
    expect(validReference('x'.repeat(65))).toBe(false);
    expect(shortReference('134567890123456789')).toBe('1345…6789');
    expect(shortReference('T-123')).toBe('T-123');
  });
});
