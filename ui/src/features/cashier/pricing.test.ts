import { describe, expect, it } from 'vitest';
import type { Cart, Coupon, Discounts } from '../../lib/bindings';
import { bonusTimes, couponMinimumMet, DEFAULT_POINTS_PER_YUAN, discountRows, pointsBonuses, pointsFen, pointsMoney, pointsPerYuan, rateBasisPoints, rateLabel } from './pricing';

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

describe('points shown as money', () => {
  const pricing = (points_used: number, points: string) => ({
    points_used,
    discounts: { tier: '0.00', member_day: '0.00', manual: '0.00', coupon: '0.00', points, small_change: '0.00' },
  });

  it('500 积分 = ¥5.00 at the default 100 points a yuan', () => {
    expect(pointsMoney(500, 100)).toBe('¥5.00');
    expect(pointsFen(1234, 100)).toBe(1234);
    expect(pointsMoney(0, 100)).toBe('¥0.00');
    expect(pointsMoney(-5, 100)).toBe('¥0.00');
  });

  it('follows the store’s rule: from the sale’s own redemption, else the rules, else 100', () => {
    expect(pointsPerYuan(pricing(500, '5.00'), null)).toBe(100);
    expect(pointsPerYuan(pricing(500, '10.00'), 100)).toBe(50);
    expect(pointsPerYuan(pricing(0, '0.00'), 200)).toBe(200);
    expect(pointsPerYuan(pricing(0, '0.00'), null)).toBe(DEFAULT_POINTS_PER_YUAN);
    expect(pointsPerYuan(null, 0)).toBe(100);
    expect(pointsMoney(500, 200)).toBe('¥2.50');
    expect(pointsMoney(333, 200)).toBe('¥1.66');
  });
});

describe('why points are multiplied', () => {
  const cart = (day: string, member = true) =>
    ({
      member: member ? { id: 'm' } : null,
      lines: [
        { id: 'a', name: '对乙酰氨基酚片' },
        { id: 'b', name: '感冒灵颗粒' },
        { id: 'c', name: '片仔癀' },
      ],
      pricing: {
        points_day_multiplier: day,
        lines: [
          { line_id: 'a', points_multiplier: '3', points_eligible: true },
          { line_id: 'b', points_multiplier: '1', points_eligible: true },
          { line_id: 'c', points_multiplier: '5', points_eligible: false },
        ],
      },
    }) as unknown as Cart;

  it('names the member day and each bonus product that earns points', () => {
    expect(pointsBonuses(cart('2'))).toEqual([
      { key: 'points.dayBonus', params: { times: '2' } },
      { key: 'points.productBonus', params: { name: '对乙酰氨基酚片', times: '3' } },
    ]);
    expect(pointsBonuses(cart('1'))).toEqual([{ key: 'points.productBonus', params: { name: '对乙酰氨基酚片', times: '3' } }]);
    expect(pointsBonuses(cart('2', false))).toEqual([]);
  });

  it('says a multiplier the way the counter does', () => {
    expect(bonusTimes('2')).toBe('2');
    expect(bonusTimes('1.50')).toBe('1.5');
    expect(bonusTimes('1')).toBeNull();
    expect(bonusTimes(undefined)).toBeNull();
  });
});
