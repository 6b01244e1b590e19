//! The member programme screen's pure parts: which member list each figure drills into, the
//! labels of classes, age bands and care lists, and the chart series built from the figures.

import type {
  AgeBand,
  CareList,
  Gender,
  MemberClass,
  MemberSet,
  Period,
  ProgrammeFigures,
  StaffId,
  Tier,
} from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';

export const CLASSES: readonly MemberClass[] = ['a', 'b', 'c', 'd', 'zero'];
export const TIERS: readonly Tier[] = ['normal', 'silver', 'gold', 'diamond'];
export const AGE_BANDS: readonly AgeBand[] = ['under12', 'teen', 'young', 'middle', 'senior', 'elderly', 'unknown'];
export const GENDERS: readonly Gender[] = ['female', 'male', 'unknown'];
export const CARE_LISTS: readonly CareList[] = [
  'birthdays_tomorrow',
  'points_expiring30',
  'points_expiring7',
  'points_expiring1',
  'dormant',
  'top_classes',
  'new_to_thank',
];

export function classKey(c: MemberClass): MessageKey {
  return `prog.class.${c}` as MessageKey;
}

export function ageKey(b: AgeBand): MessageKey {
  return `prog.age.${b}` as MessageKey;
}

export function careKey(l: CareList): MessageKey {
  return `prog.care.${l}` as MessageKey;
}

/** The figures on the screen that open a member list, and the list each opens. */
export type Figure =
  | 'active'
  | 'memberShare'
  | 'memberTicket'
  | 'visits'
  | 'newMembers'
  | 'dormant'
  | 'slipping'
  | 'points'
  | 'expiring'
  | 'birthdaysTomorrow'
  | 'birthdaysMonth';

/** The member list behind a figure. `expiring`: points that expire by this year's end. */
export function setFor(figure: Figure, f: Pick<ProgrammeFigures, 'period' | 'today' | 'points'>): MemberSet {
  switch (figure) {
    case 'active':
      return { kind: 'all' };
    case 'memberShare':
    case 'memberTicket':
    case 'visits':
      return { kind: 'buyers', period: f.period };
    case 'newMembers':
      return { kind: 'new_members', period: f.period, owner: null };
    case 'dormant':
      return { kind: 'dormant' };
    case 'slipping':
      return { kind: 'slipping' };
    case 'points':
      return { kind: 'points_holders' };
    case 'expiring':
      return { kind: 'points_expiring', days: daysBetween(f.today, f.points.year_end) };
    case 'birthdaysTomorrow':
      return { kind: 'birthdays_tomorrow' };
    case 'birthdaysMonth':
      return { kind: 'birthdays_this_month' };
  }
}

/** Whole days from `from` to `to` (YYYY-MM-DD), 0 when `to` is not later. */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 86_400_000)) : 0;
}

/** New members of one day (a bar of the by-day chart), optionally one owner's. */
export function newMembersOn(day: string, owner: StaffId | null = null): MemberSet {
  const period: Period = { from: day, to: day };
  return { kind: 'new_members', period, owner };
}

/** The new members of the period registered by `owner` (a bar of the by-owner chart). */
export function newMembersBy(period: Period, owner: StaffId): MemberSet {
  return { kind: 'new_members', period, owner };
}

/** The tier trend as one series per tier over the months (oldest first). */
export function tierSeries(f: Pick<ProgrammeFigures, 'tier_trend'>): { months: string[]; series: Record<Tier, number[]> } {
  const months = f.tier_trend.map((m) => m.month);
  const series = Object.fromEntries(TIERS.map((tier) => [tier, [] as number[]])) as Record<Tier, number[]>;
  for (const month of f.tier_trend) {
    for (const tier of TIERS) series[tier].push(month.counts.find((c) => c.tier === tier)?.members ?? 0);
  }
  return { months, series };
}

/** A period typed in the form: both dates, from ≤ to; otherwise the message key of what is wrong. */
export function checkPeriod(from: string, to: string): { ok: true; from: string; to: string } | { ok: false; key: MessageKey } {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(from.trim()) || !date.test(to.trim())) return { ok: false, key: 'prog.v.date' };
  if (from.trim() > to.trim()) return { ok: false, key: 'prog.v.order' };
  return { ok: true, from: from.trim(), to: to.trim() };
}
