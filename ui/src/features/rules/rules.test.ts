import { describe, expect, it } from 'vitest';
import type { BusinessRules } from '../../lib/bindings';
import { buildRules, parseBonusProducts, parseFollowUpDays, parseMemberDays, rulesForm, sameRules } from './rules';

const rules: BusinessRules = {
  tiers: [
    { tier: 'normal', threshold: '0.00', rate: '1', multiplier: '1' },
    { tier: 'silver', threshold: '500.00', rate: '0.98', multiplier: '1.2' },
    { tier: 'gold', threshold: '2000.00', rate: '0.95', multiplier: '1.5' },
    { tier: 'diamond', threshold: '8000.00', rate: '0.90', multiplier: '2.0' },
  ],
  member_days: [1, 11, 21],
  member_day_rate: '0.90',
  member_day_points_multiplier: '1',
  bonus_points_products: [{ barcode: '6914624021096', multiplier: '3' }],
  new_member_coupon: { face: '3.00', min_spend: '0.00', valid_days: 30 },
  birthday_coupon: { face: '10.00', min_spend: '50.00', valid_days: 0 },
  top_spender_coupon: { face: '20.00', min_spend: '100.00', valid_days: 30 },
  points_per_yuan: 100,
  points_cap_percent: 50,
  drop_small_change: false,
  points_earned_per_yuan: 1,
  follow_up_days: [3, 7, 14, 28],
  refill_reminder_days_before: 3,
  confirm_profile_after_days: 180,
  daily_redeem_cap_points: 20000,
  trace_codes_all_lines: false,
  dormant_days: 90,
  slipping_period_days: 90,
  slipping_drop_percent: 50,
};

describe('rules form', () => {
  it('reads bonus-points products as barcode × multiplier, each barcode once', () => {
    expect(parseBonusProducts('')).toEqual([]);
    expect(parseBonusProducts('6914624021096×3， 6901234567890 x 1.5\n6909876543210 2')).toEqual([
      { barcode: '6914624021096', multiplier: '3' },
      { barcode: '6901234567890', multiplier: '1.5' },
      { barcode: '6909876543210', multiplier: '2' },
    ]);
    for (const bad of ['6914624021096', '6914624021096×11', '6914624021096×0.5', '6914624021096×1.234', '12×2', '6914624021096×2, 6914624021096×3']) {
      expect(parseBonusProducts(bad), bad).toBeNull();
    }
    const form = rulesForm(rules);
    expect(form.bonusProducts).toBe('6914624021096×3');
    form.bonusProducts = '6914624021096×3, 6901234567890×2';
    const built = buildRules(form, rules);
    expect('rules' in built && built.rules.bonus_points_products).toHaveLength(2);
    form.bonusProducts = '6914624021096×20';
    expect(buildRules(form, rules)).toEqual({ field: 'bonusProducts', key: 'rules.v.bonusProducts' });
  });

  it('reads follow-up days rising 1–365 and the care settings within their bounds', () => {
    expect(parseFollowUpDays('3, 7、14 21，28')).toEqual([3, 7, 14, 21, 28]);
    expect(parseFollowUpDays('')).toEqual([]);
    for (const bad of ['7, 3', '3, 3', '0', '366', '1,2,3,4,5,6,7,8,9,10,11', 'x']) {
      expect(parseFollowUpDays(bad), bad).toBeNull();
    }
    const form = rulesForm(rules);
    expect([form.followUpDays, form.refillDaysBefore, form.dormantDays, form.slippingPeriodDays, form.slippingDropPercent]).toEqual([
      '3, 7, 14, 28',
      '3',
      '90',
      '90',
      '50',
    ]);
    form.dormantDays = '60';
    form.slippingDropPercent = '30';
    const built = buildRules(form, rules);
    expect('rules' in built && [built.rules.dormant_days, built.rules.slipping_drop_percent]).toEqual([60, 30]);
    const bad: [keyof typeof form, string, string][] = [
      ['followUpDays', '14, 7', 'rules.v.followUpDays'],
      ['refillDaysBefore', '31', 'rules.v.refillDays'],
      ['dormantDays', '6', 'rules.v.dormantDays'],
      ['slippingPeriodDays', '366', 'rules.v.slippingPeriod'],
      ['slippingDropPercent', '0', 'rules.v.slippingDrop'],
    ];
    for (const [field, value, key] of bad) {
      const f = { ...rulesForm(rules), [field]: value };
      expect(buildRules(f, rules), field).toEqual({ field, key });
    }
  });

  it('takes the member-day points multiplier 1–10 and keeps the bonus products', () => {
    const form = rulesForm(rules);
    expect(form.memberDayPoints).toBe('1');
    form.memberDayPoints = '2';
    const built = buildRules(form, rules);
    expect('rules' in built && built.rules.member_day_points_multiplier).toBe('2');
    expect('rules' in built && built.rules.bonus_points_products).toEqual(rules.bonus_points_products);
    for (const bad of ['0.5', '11', '1.234', 'x']) {
      form.memberDayPoints = bad;
      expect(buildRules(form, rules)).toEqual({ field: 'memberDayPoints', key: 'rules.v.dayPoints' });
    }
  });

  it('gives back the same rules when nothing is edited', () => {
    const built = buildRules(rulesForm(rules), rules);
    expect(built).toEqual({ rules });
    expect(sameRules('rules' in built ? built.rules : null, rules)).toBe(true);
  });

  it('reads what a manager types', () => {
    const form = rulesForm(rules);
    form.tiers.gold.rate = '0.9';
    form.tiers.diamond.threshold = '¥10000';
    form.memberDays = '8、18，28 8';
    form.coupons.birthday_coupon.face = '15';
    form.dropSmallChange = true;
    const built = buildRules(form, rules);
    expect('rules' in built && built.rules.tiers[2]).toEqual({ tier: 'gold', threshold: '2000.00', rate: '0.9', multiplier: '1.5' });
    expect('rules' in built && built.rules.tiers[3]?.threshold).toBe('10000.00');
    expect('rules' in built && built.rules.member_days).toEqual([8, 18, 28]);
    expect('rules' in built && built.rules.birthday_coupon.face).toBe('15.00');
    expect('rules' in built && built.rules.drop_small_change).toBe(true);
    expect('rules' in built && built.rules.follow_up_days).toEqual([3, 7, 14, 28]);
    expect(sameRules('rules' in built ? built.rules : null, rules)).toBe(false);
  });

  it('names the first field that does not read', () => {
    const bad = (edit: (f: ReturnType<typeof rulesForm>) => void) => {
      const form = rulesForm(rules);
      edit(form);
      return buildRules(form, rules);
    };
    expect(bad((f) => (f.tiers.silver.threshold = 'abc'))).toEqual({ field: 'tier.silver.threshold', key: 'rules.v.money' });
    expect(bad((f) => (f.tiers.gold.rate = '1.2'))).toEqual({ field: 'tier.gold.rate', key: 'rules.v.rate' });
    expect(bad((f) => (f.tiers.gold.rate = '0'))).toEqual({ field: 'tier.gold.rate', key: 'rules.v.rate' });
    expect(bad((f) => (f.tiers.normal.multiplier = '11'))).toEqual({ field: 'tier.normal.multiplier', key: 'rules.v.multiplier' });
    expect(bad((f) => (f.memberDays = '1, 32'))).toEqual({ field: 'memberDays', key: 'rules.v.memberDays' });
    expect(bad((f) => (f.coupons.top_spender_coupon.validDays = '-1'))).toEqual({ field: 'coupon.top_spender_coupon.validDays', key: 'rules.v.days' });
    expect(bad((f) => (f.pointsPerYuan = '0'))).toEqual({ field: 'pointsPerYuan', key: 'rules.v.pointsPerYuan' });
    expect(bad((f) => (f.pointsCapPercent = '101'))).toEqual({ field: 'pointsCapPercent', key: 'rules.v.percent' });
  });

  it('reads member days', () => {
    expect(parseMemberDays('')).toEqual([]);
    expect(parseMemberDays('21 1 11')).toEqual([1, 11, 21]);
    expect(parseMemberDays('0')).toBeNull();
  });
});
