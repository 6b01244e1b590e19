-- The store manager's day (issue 9): the business day, shifts (交班), day close (日结) and the
-- hash-chained audit log. Forward-only: never edit once landed.

-- When a business day starts, in minutes after local midnight (China Standard Time): 0 is
-- midnight; a store open past midnight sets, say, 240 (04:00) so a sale at 01:30 belongs to the
-- evening before. One row.
CREATE TABLE day_settings (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    day_starts_min  INTEGER NOT NULL DEFAULT 0 CHECK (day_starts_min BETWEEN 0 AND 720)
) STRICT;
INSERT INTO day_settings (singleton) VALUES (1);

-- A cashier's time at this till: opened with a float, closed with a blind count.
CREATE TABLE shift (
    id              TEXT PRIMARY KEY,
    device_id       TEXT NOT NULL,
    cashier_id      TEXT NOT NULL REFERENCES staff (id),
    business_date   TEXT NOT NULL,
    opened_at       TEXT NOT NULL,
    float_fen       INTEGER NOT NULL CHECK (float_fen >= 0),
    closed_at       TEXT,
    closed_by       TEXT,
    counted         TEXT,               -- JSON: [[denomination in 分, count], ...]
    counted_fen     INTEGER,
    expected_fen    INTEGER             -- cash expected when it closed (float + in − out + cash taken − refunds)
) STRICT;
-- One open shift per till at a time.
CREATE UNIQUE INDEX shift_open ON shift (device_id) WHERE closed_at IS NULL;
CREATE INDEX shift_date ON shift (business_date);

-- Cash put into or taken out of the drawer during a shift, with why.
CREATE TABLE cash_movement (
    id              TEXT PRIMARY KEY,
    shift_id        TEXT NOT NULL REFERENCES shift (id),
    kind            TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    reason          TEXT NOT NULL,
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL
) STRICT;
CREATE INDEX cash_movement_shift ON cash_movement (shift_id);

-- The shift open at this till when a sale or a return was recorded (none before shifts existed).
ALTER TABLE sale ADD COLUMN shift_id TEXT;
ALTER TABLE sale_return ADD COLUMN shift_id TEXT;
CREATE INDEX sale_shift ON sale (shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX sale_return_date ON sale_return (business_date);

-- Day close: one numbered report per business date, as signed. Immutable; a closed date takes
-- no more sales (the business day moves on to the next date).
CREATE TABLE day_close (
    business_date   TEXT PRIMARY KEY,
    number          INTEGER NOT NULL UNIQUE,
    closed_at       TEXT NOT NULL,
    closed_by       TEXT NOT NULL REFERENCES staff (id),
    report          TEXT NOT NULL,      -- the report as JSON, exactly as signed
    audit_hash      TEXT NOT NULL       -- the audit chain's last hash, sealed into the report
) STRICT;
CREATE TRIGGER day_close_no_update BEFORE UPDATE ON day_close
BEGIN SELECT RAISE(ABORT, 'a closed day cannot be changed'); END;
CREATE TRIGGER day_close_no_delete BEFORE DELETE ON day_close
BEGIN SELECT RAISE(ABORT, 'a closed day cannot be removed'); END;

-- Audit log: append-only and hash-chained. Each entry's hash covers its own fields and the
-- hash of the entry before, so an entry edited, removed or slipped in breaks the chain at that
-- point (`pharmapos audit-verify`). The triggers stop mistakes; the chain catches the rest.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    staff_id        TEXT,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    detail          TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
