import { describe, expect, it } from 'vitest';
import type { ProgrammeFigures } from '../../lib/bindings';
import { checkPeriod, daysBetween, newMembersBy, setFor, tierSeries } from './programme';

const base = {
  today: '2026-12-01',
  period: { from: '2026-11-02', to: '2026-12-01' },
  points: {
    outstanding: 1600,
    outstanding_value: '16.00',
    year_end: '2026-12-31',
    expiring_year_end: 800,
    expiring_value: '8.00',
  },
} satisfies Pick<ProgrammeFigures, 'today' | 'period' | 'points'>;

describe('the member list behind each figure', () => {
  it('opens the sales figures on the period’s buyers and the new members on the period', () => {
    expect(setFor('memberShare', base)).toEqual({ kind: 'buyers', period: base.period });
    expect(setFor('visits', base)).toEqual({ kind: 'buyers', period: base.period });
    expect(setFor('newMembers', base)).toEqual({ kind: 'new_members', period: base.period, owner: null });
  });

  it('opens the year-end points on the members whose points expire by 31 December', () => {
    expect(setFor('expiring', base)).toEqual({ kind: 'points_expiring', days: 30 });
    expect(daysBetween('2026-12-31', '2026-12-31')).toBe(0);
    expect(daysBetween('2026-12-31', '2026-01-01')).toBe(0);
  });

  it('names an owner’s new members', () => {
    expect(newMembersBy(base.period, 'abc')).toEqual({ kind: 'new_members', period: base.period, owner: 'abc' });
  });
});

describe('the tier trend', () => {
  it('gives one series per tier, months oldest first, 0 for a tier missing in a month', () => {
    const s = tierSeries({
      tier_trend: [
        { month: '2026-10', counts: [{ tier: 'normal', members: 5 }] },
        {
          month: '2026-11',
          counts: [
            { tier: 'normal', members: 4 },
            { tier: 'gold', members: 1 },
          ],
        },
      ],
    });
    expect(s.months).toEqual(['2026-10', '2026-11']);
    expect(s.series.normal).toEqual([5, 4]);
    expect(s.series.gold).toEqual([0, 1]);
    expect(s.series.diamond).toEqual([0, 0]);
  });
});

describe('the period form', () => {
  it('takes two dates in order and says what is wrong otherwise', () => {
    expect(checkPeriod('2026-11-01', '2026-11-30')).toEqual({ ok: true, from: '2026-11-01', to: '2026-11-30' });
    expect(checkPeriod('2026-11-30', '2026-11-01')).toEqual({ ok: false, key: 'prog.v.order' });
    expect(checkPeriod('2026/11/01', '2026-11-30')).toEqual({ ok: false, key: 'prog.v.date' });
  });
});
