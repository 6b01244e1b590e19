import { describe, expect, it } from 'vitest';
import type { FollowUpRow, FollowUpTask, FollowUpWorklist } from '../../../lib/bindings';
import { blankOutcome, moveSelection, outcomeToSend, reasonLabel, rowsInOrder, taskTitle } from './followup';

function row(id: string, over: Partial<FollowUpRow> = {}): FollowUpRow {
  return {
    id,
    kind: 'visit',
    visit_no: 1,
    reasons: ['rx'],
    due_on: '2026-11-26',
    status: 'open',
    member_id: 'm',
    member_name: '王大爷',
    phone_masked: '138****8001',
    owner_staff_id: 's',
    owner_name: null,
    sale_id: 'x',
    sale_date: '2026-11-23',
    days_overdue: 0,
    ...over,
  };
}

const list: FollowUpWorklist = {
  today: '2026-11-26',
  due_today: [row('a')],
  overdue: [row('b'), row('c')],
  upcoming: [row('d')],
  counts: { due_today: 1, overdue: 2, upcoming: 1 },
};

describe('follow-up worklist', () => {
  it('walks today, then overdue, then upcoming, and stops at the ends', () => {
    const rows = rowsInOrder(list);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(moveSelection(rows, null, 1)).toBe('a');
    expect(moveSelection(rows, 'a', 1)).toBe('b');
    expect(moveSelection(rows, 'd', 1)).toBe('d');
    expect(moveSelection(rows, 'a', -1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeNull();
  });

  it('names visits by their period and refills as reminders', () => {
    expect(taskTitle(row('a', { visit_no: 3 }))).toBe('三期随访');
    expect(taskTitle(row('a', { kind: 'refill', visit_no: null }))).toBe('续药提醒');
    expect(reasonLabel('elderly')).toBe('老人');
    expect(reasonLabel('something')).toBe('something');
  });

  it('opens the form with the default next date and sends an empty one as none', () => {
    const task = { default_next_due_on: '2026-11-30' } as FollowUpTask;
    const o = blankOutcome(task);
    expect(o.next_due_on).toBe('2026-11-30');
    expect(o.channel).toBe('phone');
    const sent = outcomeToSend({ ...o, next_due_on: '  ', note: ' 好 ', adverse_reactions: ' ' });
    expect(sent).toMatchObject({ next_due_on: null, note: '好', adverse_reactions: '' });
  });
});
