//! The business rules screen's pure parts, tested in `rules.test.ts`: the rules as a form of
//! text fields and back, with the first field that does not read named. The core checks the
//! whole document again (INVALID_RULES) and previews it before anything is saved.

import type { BonusPointsProduct, BusinessRules, CouponRule, Tier } from '../../lib/bindings';
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
  /** Bonus-points products: "6901234567890×3, 6909876543210×2" (barcode × multiplier, 1–10). */
  bonusProducts: string;
  /** Rule 12: follow-up days after a sale, "3, 7, 14, 21, 28". */
  followUpDays: string;
  /** Rule 12: a refill reminder this many days before the supply sold runs out (0–30). */
  refillDaysBefore: string;
  /** The member programme: dormant after this many days without a purchase (7–730). */
  dormantDays: string;
  /** Slipping: the period compared with the one before it, in days (7–365). */
  slippingPeriodDays: string;
  /** Slipping: spend down by at least this percent (1–100). */
  slippingDropPercent: string;
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
    bonusProducts: rules.bonus_points_products.map((b) => `${b.barcode}×${b.multiplier}`).join(', '),
    followUpDays: rules.follow_up_days.join(', '),
    refillDaysBefore: String(rules.refill_reminder_days_before),
    dormantDays: String(rules.dormant_days),
    slippingPeriodDays: String(rules.slipping_period_days),
    slippingDropPercent: String(rules.slipping_drop_percent),
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

/** A multiplier 1–10 with at most two places ("1.5", "2"), or null. */
function pointsMultiplier(text: string): string | null {
  const m = decimal(text);
  if (m === null || !/^\d+(?:\.\d{1,2})?$/.test(m) || Number(m) < 1 || Number(m) > 10) return null;
  return m;
}

/**
 * "6901234567890×3, 6909876543210 2" → the bonus-points products (each barcode once, at most
 * 200); null when a part is not a barcode (digits, 6–32) followed by a multiplier 1–10.
 */
export function parseBonusProducts(text: string): BonusPointsProduct[] | null {
  const parts = text.split(/[,，、;；\n]+/).map((p) => p.trim()).filter((p) => p !== '');
  const out: BonusPointsProduct[] = [];
  for (const part of parts) {
    const m = /^([0-9A-Za-z]{6,32})\s*(?:[×xX*]|\s)\s*(\S+)$/.exec(part);
    if (!m) return null;
    const barcode = m[1] as string;
    const multiplier = pointsMultiplier(m[2] as string);
    if (multiplier === null || out.some((b) => b.barcode === barcode)) return null;
    out.push({ barcode, multiplier });
  }
  return out.length > 200 ? null : out;
}

/** "3, 7, 14" → [3, 7, 14]: days 1–365, rising, at most 10; null otherwise. */
export function parseFollowUpDays(text: string): number[] | null {
  const parts = text.split(/[\s,，、;；]+/).filter((p) => p !== '');
  const days: number[] = [];
  for (const part of parts) {
    const day = whole(part, 365);
    if (day === null || day < 1) return null;
    const last = days[days.length - 1];
    if (last !== undefined && day <= last) return null;
    days.push(day);
  }
  return days.length > 10 ? null : days;
}

function within(text: string, min: number, max: number): number | null {
  const n = whole(text, max);
  return n === null || n < min ? null : n;
}

/**
 * The form as a whole rules document: what the form does not show (when to confirm a profile)
 * is taken from `base`, the rules as they are now.
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
  const bonus = parseBonusProducts(form.bonusProducts);
  if (bonus === null) return { field: 'bonusProducts', key: 'rules.v.bonusProducts' };
  const followUpDays = parseFollowUpDays(form.followUpDays);
  if (followUpDays === null) return { field: 'followUpDays', key: 'rules.v.followUpDays' };
  const refill = within(form.refillDaysBefore, 0, 30);
  if (refill === null) return { field: 'refillDaysBefore', key: 'rules.v.refillDays' };
  const dormant = within(form.dormantDays, 7, 730);
  if (dormant === null) return { field: 'dormantDays', key: 'rules.v.dormantDays' };
  const period = within(form.slippingPeriodDays, 7, 365);
  if (period === null) return { field: 'slippingPeriodDays', key: 'rules.v.slippingPeriod' };
  const drop = within(form.slippingDropPercent, 1, 100);
  if (drop === null) return { field: 'slippingDropPercent', key: 'rules.v.slippingDrop' };
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
      bonus_points_products: bonus,
      follow_up_days: followUpDays,
      refill_reminder_days_before: refill,
      dormant_days: dormant,
      slipping_period_days: period,
      slipping_drop_percent: drop,
    },
  };
}

/** Whether two rules documents say the same (the preview shown is of what would be saved). */
export function sameRules(a: BusinessRules | null, b: BusinessRules | null): boolean {
  return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
