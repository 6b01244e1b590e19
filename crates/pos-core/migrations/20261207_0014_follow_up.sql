-- Follow-ups (用药随访, PRODUCT.md rule 12; issue 11 §4).
--
-- A task is made by the sale that gives rise to it, in the sale's own transaction: the first
-- visit of the schedule (一期, day 3 by default) for a member sale with Rx lines, follow-up
-- products or a member aged 65+ or under 12, and a refill reminder per line with days of
-- supply. Completing a visit records its outcome and schedules the next one. `key` makes every
-- task exist once however often its write is retried: 'visit:<sale>:<n>' for visit n of a
-- sale, 'refill:<sale line>' for a refill reminder.
CREATE TABLE follow_up_task (
    id              TEXT PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    member_id       TEXT NOT NULL REFERENCES member (id),
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    kind            TEXT NOT NULL CHECK (kind IN ('visit', 'refill')),
    visit_no        INTEGER,                    -- 1.. for visits (一期, 二期, …); NULL for refills
    reasons         TEXT NOT NULL,              -- '|'-separated: rx, follow_up, elderly, child, refill
    due_on          TEXT NOT NULL,              -- YYYY-MM-DD
    status          TEXT NOT NULL CHECK (status IN ('open', 'done', 'closed')),
    created_at      TEXT NOT NULL,
    created_by      TEXT,                       -- NULL: made by the sale; else who scheduled it
    previous_id     TEXT REFERENCES follow_up_task (id),
    closed_at       TEXT,
    closed_reason   TEXT,                       -- 'returned'
    closed_by_return TEXT
) STRICT;
-- The worklist: open tasks by due date (overdue, today, the next days).
CREATE INDEX follow_up_task_open_due ON follow_up_task (due_on) WHERE status = 'open';
CREATE INDEX follow_up_task_member ON follow_up_task (member_id, due_on);
CREATE INDEX follow_up_task_sale ON follow_up_task (sale_id);

-- The sale lines a task is about (a visit: the lines that called for it; a refill: its line).
CREATE TABLE follow_up_task_line (
    task_id         TEXT NOT NULL REFERENCES follow_up_task (id),
    sale_line_id    TEXT NOT NULL REFERENCES sale_line (id),
    PRIMARY KEY (task_id, sale_line_id)
) STRICT, WITHOUT ROWID;

-- The outcome of a worked task: one per task, never changed.
CREATE TABLE follow_up_outcome (
    task_id             TEXT PRIMARY KEY REFERENCES follow_up_task (id),
    channel             TEXT NOT NULL CHECK (channel IN ('phone', 'wechat', 'visit')),
    effect              TEXT NOT NULL CHECK (effect IN ('good', 'partial', 'none', 'unknown')),
    adverse_reactions   TEXT NOT NULL,          -- '' when none
    adherence           TEXT NOT NULL CHECK (adherence IN ('good', 'partial', 'poor')),
    advice              TEXT NOT NULL CHECK (advice IN ('continue', 'stop', 'see_doctor')),
    note                TEXT NOT NULL,
    next_task_id        TEXT REFERENCES follow_up_task (id),
    reaction_item_id    TEXT,                   -- the health item the adverse reaction became
    recorded_by         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL
) STRICT;

-- Adverse reactions reported at a follow-up go to the member's health part as their own kind
-- (不良反应). SQLite cannot change a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE member_health_item_v2 (
    id          TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES member (id),
    kind        TEXT NOT NULL CHECK (kind IN ('allergy', 'condition', 'medicine', 'group', 'reaction')),
    code        TEXT NOT NULL,
    note        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
) STRICT;
INSERT INTO member_health_item_v2 (id, member_id, kind, code, note, added_at, added_by, removed_at, removed_by)
    SELECT id, member_id, kind, code, note, added_at, added_by, removed_at, removed_by FROM member_health_item;
DROP TABLE member_health_item;
ALTER TABLE member_health_item_v2 RENAME TO member_health_item;
CREATE INDEX member_health_item_member ON member_health_item (member_id);

