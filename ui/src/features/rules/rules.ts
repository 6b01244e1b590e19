//! The business rules screen's pure parts, tested in `rules.test.ts`: the rules as a form of
//! text fields and back, with the first field that does not read named. The core checks the
//! whole document again (INVALID_RULES) and previews it before anything is saved.

import type { BusinessRules, CouponRule, Tier } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { fromFen, parseAmountInput } from '../../lib/money';

export const TIERS: readonly Tier[] = ['normal', 'silver', 'gold', 'diamond'];
export const COUPONS = ['new_member_coupon', 'birthday_coupon', 'top_spender_coupon'] as const;
export type CouponKey = (typeof COUPONS)[number];

export type TierForm = { threshold: string; rate: string; multiplier: string };
export type CouponForm = { face: string; minSpend: string; validDays: string };

export type RulesForm = {
  tiers: Record<Tier, TierForm>;
  memberDays: string;
  memberDayRate: string;
  /** Points multiplier on a member day, 1–10 ("1" = no bonus, "2" = 会员日双倍积分). */
  memberDayPoints: string;
  coupons: Record<CouponKey, CouponForm>;
  pointsPerYuan: string;
  pointsCapPercent: string;
  pointsEarnedPerYuan: string;
  dailyRedeemCap: string;
  dropSmallChange: boolean;
  traceCodesAllLines: boolean;
};

/** A field of the form, as `data-field` names it: `tier.gold.rate`, `coupon.birthday_coupon.face`, `memberDays` … */
export type RulesProblem = { field: string; key: MessageKey };

function couponForm(rule: CouponRule): CouponForm {
  return { face: rule.face, minSpend: rule.min_spend, validDays: String(rule.valid_days) };
}

export function rulesForm(rules: BusinessRules): RulesForm {
  const tiers = {} as Record<Tier, TierForm>;
  for (const tier of TIERS) {
    const rule = rules.tiers.find((t) => t.tier === tier);
    tiers[tier] = { threshold: rule?.threshold ?? '', rate: rule?.rate ?? '', multiplier: rule?.multiplier ?? '' };
  }
  return {
    tiers,
    memberDays: rules.member_days.join(', '),
    memberDayRate: rules.member_day_rate,
    memberDayPoints: rules.member_day_points_multiplier,
    coupons: {
      new_member_coupon: couponForm(rules.new_member_coupon),
      birthday_coupon: couponForm(rules.birthday_coupon),
      top_spender_coupon: couponForm(rules.top_spender_coupon),
    },
    pointsPerYuan: String(rules.points_per_yuan),
    pointsCapPercent: String(rules.points_cap_percent),
    pointsEarnedPerYuan: String(rules.points_earned_per_yuan),
    dailyRedeemCap: String(rules.daily_redeem_cap_points),
    dropSmallChange: rules.drop_small_change,
    traceCodesAllLines: rules.trace_codes_all_lines,
  };
}

function money(text: string): string | null {
  const fen = parseAmountInput(text);
  return fen === null ? null : fromFen(fen);
}

/** A decimal like 0.95 or 1.5 (at most 4 places), or null. */
function decimal(text: string): string | null {
  const t = text.trim().replace(/[。．]/g, '.');
  return /^\d{1,2}(?:\.\d{1,4})?$/.test(t) ? t : null;
}

function whole(text: string, max: number): number | null {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) return null;
  const n = Number(t);
  return n <= max ? n : null;
}

/** "1, 11、21，28" → [1, 11, 21, 28] (sorted, each once); null when a part is not a day 1–31. */
export function parseMemberDays(text: string): number[] | null {
  const parts = text.split(/[\s,，、;；]+/).filter((p) => p !== '');
  const days: number[] = [];
  for (const part of parts) {
    const day = whole(part, 31);
    if (day === null || day < 1) return null;
    if (!days.includes(day)) days.push(day);
  }
  return days.sort((a, b) => a - b);
}

/**
 * The form as a whole rules document: what the form does not show (follow-up days, when to
 * confirm a profile) is taken from `base`, the rules as they are now.
 */
export function buildRules(form: RulesForm, base: BusinessRules): { rules: BusinessRules } | RulesProblem {
  const tiers = [];
  for (const tier of TIERS) {
    const f = form.tiers[tier];
    const threshold = money(f.threshold);
    if (threshold === null) return { field: `tier.${tier}.threshold`, key: 'rules.v.money' };
    const rate = decimal(f.rate);
    if (rate === null || Number(rate) <= 0 || Number(rate) > 1) return { field: `tier.${tier}.rate`, key: 'rules.v.rate' };
    const multiplier = decimal(f.multiplier);
    if (multiplier === null || Number(multiplier) > 10) return { field: `tier.${tier}.multiplier`, key: 'rules.v.multiplier' };
    tiers.push({ tier, threshold, rate, multiplier });
  }
  const memberDays = parseMemberDays(form.memberDays);
  if (memberDays === null) return { field: 'memberDays', key: 'rules.v.memberDays' };
  const memberDayRate = decimal(form.memberDayRate);
  if (memberDayRate === null || Number(memberDayRate) <= 0 || Number(memberDayRate) > 1) return { field: 'memberDayRate', key: 'rules.v.rate' };
  const memberDayPoints = decimal(form.memberDayPoints);
  if (memberDayPoints === null || Number(memberDayPoints) < 1 || Number(memberDayPoints) > 10 || !/^\d+(?:\.\d{1,2})?$/.test(memberDayPoints)) {
    return { field: 'memberDayPoints', key: 'rules.v.dayPoints' };
  }
  const coupons = {} as Record<CouponKey, CouponRule>;
  for (const key of COUPONS) {
    const f = form.coupons[key];
    const face = money(f.face);
    if (face === null) return { field: `coupon.${key}.face`, key: 'rules.v.money' };
    const minSpend = money(f.minSpend);
    if (minSpend === null) return { field: `coupon.${key}.minSpend`, key: 'rules.v.money' };
    const validDays = whole(f.validDays, 3650);
    if (validDays === null) return { field: `coupon.${key}.validDays`, key: 'rules.v.days' };
    coupons[key] = { face, min_spend: minSpend, valid_days: validDays };
  }
  const pointsPerYuan = whole(form.pointsPerYuan, 100_000);
  if (pointsPerYuan === null || pointsPerYuan === 0) return { field: 'pointsPerYuan', key: 'rules.v.pointsPerYuan' };
  const cap = whole(form.pointsCapPercent, 100);
  if (cap === null) return { field: 'pointsCapPercent', key: 'rules.v.percent' };
  const earned = whole(form.pointsEarnedPerYuan, 1000);
  if (earned === null) return { field: 'pointsEarnedPerYuan', key: 'rules.v.whole' };
  const daily = whole(form.dailyRedeemCap, 100_000_000);
  if (daily === null) return { field: 'dailyRedeemCap', key: 'rules.v.whole' };
  return {
    rules: {
      ...base,
      tiers,
      member_days: memberDays,
      member_day_rate: memberDayRate,
      member_day_points_multiplier: memberDayPoints,
      ...coupons,
      points_per_yuan: pointsPerYuan,
      points_cap_percent: cap,
      points_earned_per_yuan: earned,
      daily_redeem_cap_points: daily,
      drop_small_change: form.dropSmallChange,
      trace_codes_all_lines: form.traceCodesAllLines,
    },
  };
}

/** Whether two rules documents say the same (the preview shown is of what would be saved). */
export function sameRules(a: BusinessRules | null, b: BusinessRules | null): boolean {
  return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
