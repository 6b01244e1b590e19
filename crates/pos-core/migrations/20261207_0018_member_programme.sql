-- The member programme (issue 10).

-- A third consent beside basic and health: care calls, messages and offers (关怀联系授权).
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE consent_event_v2 (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES member (id),
    scope           TEXT NOT NULL CHECK (scope IN ('basic', 'health', 'contact')),
    action          TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
    notice_version  TEXT NOT NULL,
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL
) STRICT;
INSERT INTO consent_event_v2 (id, member_id, scope, action, notice_version, at, by_staff)
    SELECT id, member_id, scope, action, notice_version, at, by_staff FROM consent_event;
DROP TABLE consent_event;
ALTER TABLE consent_event_v2 RENAME TO consent_event;
CREATE INDEX consent_event_member ON consent_event (member_id, scope, at);

-- The contact log: who called or messaged a member, when, about what, and the answer.
CREATE TABLE member_contact (
    id          TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES member (id),
    staff_id    TEXT NOT NULL,
    at          TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('phone', 'sms', 'wechat', 'visit')),
    topic       TEXT NOT NULL CHECK (topic IN ('birthday', 'points_expiring', 'dormant', 'thanks',
                                               'top_class', 'other')),
    answer      TEXT NOT NULL CHECK (answer IN ('reached', 'no_answer', 'declined', 'wrong_number',
                                                'sent')),
    note        TEXT NOT NULL
) STRICT;
CREATE INDEX member_contact_member ON member_contact (member_id, at);
CREATE INDEX member_contact_staff ON member_contact (staff_id, at);

-- A campaign run (bulk coupon issue): one row per run, the coupons it issued carry its key.
CREATE TABLE campaign_run (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('birthday', 'top_spender')),
    period      TEXT NOT NULL,              -- the month the run is for, YYYY-MM
    at          TEXT NOT NULL,
    by_staff    TEXT NOT NULL,
    eligible    INTEGER NOT NULL,
    issued      INTEGER NOT NULL            -- new coupons this run (0 when run again)
) STRICT;
CREATE INDEX campaign_run_kind ON campaign_run (kind, period, at);

-- Analytics read every member's spend facts grouped by member: a covering index.
CREATE INDEX member_spend_member_net ON member_spend (member_id, business_date, net_fen);
