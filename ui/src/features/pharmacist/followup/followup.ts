//! The follow-up worklist's pure parts: the order the keyboard walks the groups in, a task's
//! title and reasons, and the outcome form's starting values.

import type {
  FollowUpOutcomeInput,
  FollowUpRow,
  FollowUpTask,
  FollowUpWorklist,
} from '../../../lib/bindings';
import { t, type MessageKey } from '../../../lib/i18n';

export type GroupId = 'due_today' | 'overdue' | 'upcoming';

/** The groups as the screen shows them: 今日到期, 已逾期, 即将到期. */
export const GROUPS: readonly GroupId[] = ['due_today', 'overdue', 'upcoming'];

export const GROUP_LABEL: Record<GroupId, MessageKey> = {
  due_today: 'fu.dueToday',
  overdue: 'fu.overdue',
  upcoming: 'fu.upcoming',
};

/** Every row in screen order, for ↑/↓. */
export function rowsInOrder(w: FollowUpWorklist | null): FollowUpRow[] {
  if (!w) return [];
  return GROUPS.flatMap((g) => w[g]);
}

/** The row after (`step` 1) or before (−1) `current`, staying at the ends. */
export function moveSelection(rows: readonly FollowUpRow[], current: string | null, step: 1 | -1): string | null {
  if (rows.length === 0) return null;
  const i = rows.findIndex((r) => r.id === current);
  const next = i < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, i + step));
  return rows[next]?.id ?? null;
}

/** 一期随访 … / 续药提醒. */
export function taskTitle(row: Pick<FollowUpRow, 'kind' | 'visit_no'>): string {
  if (row.kind === 'refill' || row.visit_no === null) return t('fu.refill');
  const n = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'][row.visit_no - 1] ?? String(row.visit_no);
  return t('fu.visit', { n });
}

const REASONS: Record<string, MessageKey> = {
  rx: 'fu.reason.rx',
  follow_up: 'fu.reason.follow_up',
  elderly: 'fu.reason.elderly',
  child: 'fu.reason.child',
  refill: 'fu.reason.refill',
};

export function reasonLabel(reason: string): string {
  const key = REASONS[reason];
  return key ? t(key) : reason;
}

/** The form as it opens: phone, works, taken as prescribed, continue, the default next date. */
export function blankOutcome(task: FollowUpTask): FollowUpOutcomeInput {
  return {
    channel: 'phone',
    effect: 'good',
    adverse_reactions: '',
    adherence: 'good',
    advice: 'continue',
    note: '',
    next_due_on: task.default_next_due_on,
  };
}

/** The outcome to send: trimmed text, an empty next date as none. */
export function outcomeToSend(o: FollowUpOutcomeInput): FollowUpOutcomeInput {
  const next = o.next_due_on?.trim() ?? '';
  return {
    ...o,
    adverse_reactions: o.adverse_reactions.trim(),
    note: o.note.trim(),
    next_due_on: next === '' ? null : next,
  };
}
