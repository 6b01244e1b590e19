import { describe, expect, it } from 'vitest';
import type { Coupon } from '../../lib/bindings';
import { checkoutAction, keyForTender, nextCoupon, nextField, tenderForKey, type KeyPress } from './keys';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...extra,
});

describe('checkout keys on the sale screen', () => {
  it('maps the F-keys', () => {
    expect(checkoutAction(press('F9'))).toBe('pay');
    expect(checkoutAction(press('F5'))).toBe('gates');
    expect(checkoutAction(press('F10'))).toBe('hold');
    expect(checkoutAction(press('F11'))).toBe('recall');
    expect(checkoutAction(press('F2'))).toBeNull();
    expect(checkoutAction(press('F9', { ctrlKey: true }))).toBeNull();
    expect(checkoutAction(press('F9', { shiftKey: true }))).toBeNull();
  });

  it('reads Alt + letter by the physical key, whatever the IME reports', () => {
    expect(checkoutAction(press('Process', { altKey: true, code: 'KeyC' }))).toBe('coupon');
    expect(checkoutAction(press('π', { altKey: true, code: 'KeyP' }))).toBe('points');
    expect(checkoutAction(press('o', { altKey: true, code: 'KeyO' }))).toBe('override');
    expect(checkoutAction(press('g', { altKey: true, code: 'KeyG' }))).toBe('guidance');
    expect(checkoutAction(press('x', { altKey: true, code: 'KeyX' }))).toBe('cancel');
    expect(checkoutAction(press('c', { code: 'KeyC' }))).toBeNull();
    expect(checkoutAction(press('c', { altKey: true, ctrlKey: true, code: 'KeyC' }))).toBeNull();
  });
});

describe('tender keys in the payment dialog', () => {
  it('F1…F5 pick cash, WeChat, Alipay, card, insurance', () => {
    expect(['F1', 'F2', 'F3', 'F4', 'F5'].map((k) => tenderForKey(press(k)))).toEqual([
      'cash',
      'wechat',
      'alipay',
      'card',
      'insurance',
    ]);
    expect(tenderForKey(press('F6'))).toBeNull();
    expect(tenderForKey(press('1'))).toBeNull();
    expect(tenderForKey(press('F1', { altKey: true }))).toBeNull();
    expect(keyForTender('insurance')).toBe('F5');
  });
});

describe('coupon cycling and Enter through a form', () => {
  const coupons = [{ id: 'a' }, { id: 'b' }] as Coupon[];

  it('goes none → a → b → none', () => {
    expect(nextCoupon(coupons, null)).toBe('a');
    expect(nextCoupon(coupons, 'a')).toBe('b');
    expect(nextCoupon(coupons, 'b')).toBeNull();
    expect(nextCoupon(coupons, 'gone')).toBe('a');
    expect(nextCoupon([], null)).toBeNull();
  });

  it('moves to the next field and submits on the last', () => {
    const fields = ['price', 'reason', 'staffNo', 'pin'] as const;
    expect(nextField(fields, 'price')).toBe('reason');
    expect(nextField(fields, 'staffNo')).toBe('pin');
    expect(nextField(fields, 'pin')).toBe('submit');
  });
});
