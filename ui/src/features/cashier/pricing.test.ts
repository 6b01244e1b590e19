import { describe, expect, it } from 'vitest';
import type { Cart, Coupon, Discounts } from '../../lib/bindings';
import { couponMinimumMet, discountRows, rateBasisPoints, rateLabel } from './pricing';

describe('rates as the counter says them', () => {
  it('in Chinese 折 and in English percent off', () => {
    expect(rateLabel('0.95', 'zh-CN')).toBe('9.5折');
    expect(rateLabel('0.90', 'zh-CN')).toBe('9折');
    expect(rateLabel('0.9', 'zh-CN')).toBe('9折');
    expect(rateLabel('0.98', 'zh-CN')).toBe('9.8折');
    expect(rateLabel('0.875', 'zh-CN')).toBe('8.75折');
    expect(rateLabel('0.95', 'en')).toBe('5% off');
    expect(rateLabel('0.875', 'en')).toBe('12.5% off');
    expect(rateLabel('1', 'zh-CN')).toBe('');
    expect(rateLabel('1.00', 'en')).toBe('');
    expect(rateLabel('abc', 'en')).toBe('');
    expect(rateBasisPoints('0.95')).toBe(9500);
  });
});

describe('discount rows', () => {
  it('lists the discounts that are not zero, in a fixed order', () => {
    const d: Discounts = { tier: '1.58', member_day: '0.00', manual: '-1.00', coupon: '3.00', points: '0.00', small_change: '0.05' };
    expect(discountRows(d)).toEqual([
      { kind: 'tier', amount: '1.58' },
      { kind: 'manual', amount: '-1.00' },
      { kind: 'coupon', amount: '3.00' },
      { kind: 'small_change', amount: '0.05' },
    ]);
  });
});

describe('coupon minimum', () => {
  // The core counts only the discount-eligible lines into `coupon_eligible_net`.
  const cart = { pricing: { coupon_eligible_net: '40.02' } } as unknown as Cart;

  it('compares the minimum with the eligible net the core priced', () => {
    expect(couponMinimumMet({ min_spend: '40.02' } as Coupon, cart)).toBe(true);
    expect(couponMinimumMet({ min_spend: '50.00' } as Coupon, cart)).toBe(false);
    expect(couponMinimumMet({ min_spend: '0.00' } as Coupon, cart)).toBe(true);
  });
});
