import { describe, expect, it } from 'vitest';
import { cashierRoute, last4Outcome, looksLikeTraceCode } from './scanRoute';

describe('the scan box: four digits are a phone ending', () => {
  it('routes 4 digits (typed with spaces or full-width too) to the member lookup', () => {
    expect(cashierRoute('5678')).toEqual({ kind: 'last4', digits: '5678' });
    expect(cashierRoute(' 5678 ')).toEqual({ kind: 'last4', digits: '5678' });
    expect(cashierRoute('５６７８')).toEqual({ kind: 'last4', digits: '5678' });
    expect(cashierRoute('56 78')).toEqual({ kind: 'last4', digits: '5678' });
  });

  it('leaves every other length where it was: product codes have at least 8 digits', () => {
    expect(cashierRoute('567')).toEqual({ kind: 'search', text: '567' });
    expect(cashierRoute('56789')).toEqual({ kind: 'search', text: '56789' });
    expect(cashierRoute('69074620')).toEqual({ kind: 'barcode', code: '69074620' });
    expect(cashierRoute('6907462053312')).toEqual({ kind: 'barcode', code: '6907462053312' });
    expect(cashierRoute('13912345678')).toEqual({ kind: 'phone', phone: '13912345678' });
    expect(cashierRoute('2900000000017')).toEqual({ kind: 'card', code: '2900000000017' });
    expect(cashierRoute('gml')).toEqual({ kind: 'search', text: 'gml' });
    expect(cashierRoute('12a4')).toEqual({ kind: 'search', text: '12a4' });
    expect(cashierRoute('   ')).toBeNull();
  });
});

describe('what a last-4 lookup does', () => {
  it('attaches one, opens the picker for several, says so for none', () => {
    expect(last4Outcome([])).toEqual({ kind: 'none' });
    expect(last4Outcome(['张伟'])).toEqual({ kind: 'one', member: '张伟' });
    expect(last4Outcome(['张伟', '李娜', '王芳'])).toEqual({ kind: 'several', count: 3 });
  });
});

describe('药品追溯码 in the scan box', () => {
  it('routes the three kinds to cart_scan and leaves barcodes, phones and names alone', () => {
    for (const code of [
      '81234560000000000017',
      '123456789012345678',
      '(01)06939668066407(17)281231(10)B2405(21)SN0001',
      '01069396680664071728123110B2405\u001d21SN0001',
      ']d201069396680664071728123110B2405\u001d21SN0001',
    ]) {
      expect(cashierRoute(code)).toEqual({ kind: 'trace', code });
    }
    expect(cashierRoute('6939668066407')?.kind).toBe('barcode');
    expect(cashierRoute('13912345678')?.kind).toBe('phone');
    expect(cashierRoute('感冒灵')?.kind).toBe('search');
    expect(looksLikeTraceCode('69396680')).toBe(false);
  });
});
