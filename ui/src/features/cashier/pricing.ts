//! How the cart's pricing (`Cart.pricing`, computed by the core) is shown: the rule behind a
//! line's price with its rate (会员价 9.5折), the discounts worth a row in the total panel,
//! whether a coupon's minimum is met, and points shown as money (500 积分 = ¥5.00). Display only:
//! no amount that is charged is computed here.

import type { Cart, Coupon, Discounts, LineRule, PricedLine, Pricing } from '../../lib/bindings';
import type { Locale, MessageKey } from '../../lib/i18n';
import { fen, fromFen, yuan } from '../../lib/money';

/** A rate string ("0.95", "0.9", "1") in ten-thousandths, exactly; null if malformed. */
export function rateBasisPoints(rate: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(rate.trim());
  if (!match) return null;
  return Number(match[1]) * 10000 + Number((match[2] ?? '').padEnd(4, '0'));
}

/** How a rate is said at a Chinese counter (0.95 → 9.5折) or in English (5% off); '' for none. */
export function rateLabel(rate: string, locale: Locale): string {
  const bp = rateBasisPoints(rate);
  if (bp === null || bp >= 10000) return '';
  const trim = (whole: number, rest: number, width: number) =>
    rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(width, '0').replace(/0+$/, '')}`;
  if (locale === 'zh-CN') return `${trim(Math.floor(bp / 1000), bp % 1000, 3)}折`;
  const off = 10000 - bp;
  return `${trim(Math.floor(off / 100), off % 100, 2)}% off`;
}

/** The label of a line's pricing rule. */
export function ruleKey(rule: LineRule): MessageKey {
  return `rule.${rule}`;
}

/** The pricing of one cart line (the core prices every line). */
export function pricedLine(cart: Cart, lineId: string): PricedLine | null {
  return cart.pricing.lines.find((l) => l.line_id === lineId) ?? null;
}

export type DiscountKind = keyof Discounts;

/** The discount rows of the total panel, in a fixed order. */
export const DISCOUNT_KINDS: readonly DiscountKind[] = ['tier', 'member_day', 'manual', 'coupon', 'points', 'small_change'];

/** The discounts that are not zero, in `DISCOUNT_KINDS` order. */
export function discountRows(discounts: Discounts): { kind: DiscountKind; amount: string }[] {
  return DISCOUNT_KINDS.filter((kind) => fen(discounts[kind]) !== 0).map((kind) => ({ kind, amount: discounts[kind] }));
}

/** Whether the coupon's minimum spend is met by this cart's discount-eligible net, as the core
 *  priced it (`pricing.coupon_eligible_net`, PRODUCT.md §4 rule 4). */
export function couponMinimumMet(coupon: Coupon, cart: Cart): boolean {
  return fen(cart.pricing.coupon_eligible_net) >= fen(coupon.min_spend);
}

/** The points rule when nobody said otherwise (PRODUCT.md §4 rule 5): 100 points = 1.00. */
export const DEFAULT_POINTS_PER_YUAN = 100;

/**
 * How many points make 1.00 yuan. A sale that redeemed points says it exactly (the core priced
 * `points_used` as `discounts.points`); otherwise the store's rules (`rules_get`), when known;
 * otherwise the default.
 */
export function pointsPerYuan(pricing: Pick<Pricing, 'points_used' | 'discounts'> | null, rulesPerYuan: number | null): number {
  const usedFen = pricing ? fen(pricing.discounts.points) : 0;
  if (pricing && pricing.points_used > 0 && usedFen > 0) {
    const rate = (pricing.points_used * 100) / usedFen;
    if (Number.isInteger(rate) && rate > 0) return rate;
  }
  return rulesPerYuan && rulesPerYuan > 0 ? rulesPerYuan : DEFAULT_POINTS_PER_YUAN;
}

/** What `points` are worth as money, in fen, rounded down (as the core values them). */
export function pointsFen(points: number, perYuan: number): number {
  if (!Number.isFinite(points) || points <= 0 || perYuan <= 0) return 0;
  return Math.floor((points * 100) / perYuan);
}

/** Points as money for the screen: 500 → "¥5.00". */
export function pointsMoney(points: number, perYuan: number): string {
  return yuan(fromFen(pointsFen(points, perYuan)));
}

/** A multiplier string ("2", "1.50") as the counter says it ("2", "1.5"); null unless above 1. */
export function bonusTimes(multiplier: string | undefined): string | null {
  const bp = rateBasisPoints(multiplier ?? '1');
  if (bp === null || bp <= 10000) return null;
  return (bp / 10000).toString();
}

export type PointsBonus =
  | { key: 'points.dayBonus'; params: { times: string } }
  | { key: 'points.productBonus'; params: { name: string; times: string } };

/**
 * Why this member earns more points on this cart (PRODUCT.md §4 rule 9 as extended by the rules'
 * `member_day_points_multiplier` and `bonus_points_products`): the member-day multiplier, then
 * each points-earning line whose product has a bonus multiplier, once per product. The core
 * computes the points; this only says why, in the order the receipt prints it.
 */
export function pointsBonuses(cart: Cart): PointsBonus[] {
  if (!cart.member) return [];
  const out: PointsBonus[] = [];
  const day = bonusTimes(cart.pricing.points_day_multiplier);
  if (day) out.push({ key: 'points.dayBonus', params: { times: day } });
  const seen = new Set<string>();
  for (const line of cart.pricing.lines) {
    const times = bonusTimes(line.points_multiplier);
    const name = cart.lines.find((l) => l.id === line.line_id)?.name ?? '';
    if (!times || !line.points_eligible || seen.has(name)) continue;
    seen.add(name);
    out.push({ key: 'points.productBonus', params: { name, times } });
  }
  return out;
}
