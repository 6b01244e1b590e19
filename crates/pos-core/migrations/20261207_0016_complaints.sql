-- Complaints (投诉, issue 11 §5): listen → verify → resolve → call back → close.
--
-- A complaint is a case file: its status moves on, so the row is updated; everything that
-- happened to it is kept beside it, append-only (notes, resolutions, status changes), each with
-- who and when. The complainant is a member (by id: the member file holds the name and phone)
-- or a walk-in (name and phone typed at intake, personal data shown masked to cashiers).
CREATE TABLE complaint (
    id              TEXT PRIMARY KEY,
    -- TS + business date (8) + till (2) + the day's sequence (3): TS2026120701001
    complaint_no    TEXT NOT NULL UNIQUE,
    member_id       TEXT REFERENCES member (id),
    walk_in_name    TEXT,
    walk_in_phone   TEXT,
    channel         TEXT NOT NULL CHECK (channel IN ('counter', 'phone', 'wechat', 'other')),
    category        TEXT NOT NULL CHECK (category IN ('quality', 'service', 'price', 'other')),
    description     TEXT NOT NULL,
    sale_id         TEXT REFERENCES sale (id),
    product_id      TEXT REFERENCES product (id),
    taken_by        TEXT NOT NULL REFERENCES staff (id),
    taken_at        TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('verifying', 'handling', 'awaiting_callback', 'closed')),
    callback_on     TEXT,                       -- YYYY-MM-DD
    callback_result TEXT,
    callback_by     TEXT REFERENCES staff (id),
    callback_at     TEXT,
    closed_at       TEXT,
    closed_by       TEXT REFERENCES staff (id),
    -- a member, or a walk-in with a name and a phone: never both, never neither
    CHECK ((member_id IS NULL) = (walk_in_name IS NOT NULL AND walk_in_phone IS NOT NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;
CREATE INDEX complaint_by_status ON complaint (status, taken_at);
CREATE INDEX complaint_by_date ON complaint (business_date);
CREATE INDEX complaint_by_sale ON complaint (sale_id) WHERE sale_id IS NOT NULL;

-- Verification notes (核实记录), several per complaint.
CREATE TABLE complaint_note (
    id              INTEGER PRIMARY KEY,
    complaint_id    TEXT NOT NULL REFERENCES complaint (id),
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL REFERENCES staff (id),
    text            TEXT NOT NULL
) STRICT;
CREATE INDEX complaint_note_of ON complaint_note (complaint_id, id);

-- What was done about it (处理结果): a return through the return flow, an exchange, an
-- explanation, an apology, a compensation coupon. A complaint gets at most one coupon and a
-- return is linked to at most one complaint.
CREATE TABLE complaint_resolution (
    id              INTEGER PRIMARY KEY,
    complaint_id    TEXT NOT NULL REFERENCES complaint (id),
    kind            TEXT NOT NULL CHECK (kind IN ('return', 'exchange', 'explanation', 'apology', 'coupon')),
    note            TEXT NOT NULL,
    return_id       TEXT UNIQUE REFERENCES sale_return (id),
    coupon_id       TEXT UNIQUE REFERENCES coupon (id),
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL REFERENCES staff (id),
    CHECK ((kind = 'return') = (return_id IS NOT NULL)),
    CHECK ((kind = 'coupon') = (coupon_id IS NOT NULL))
) STRICT;
CREATE INDEX complaint_resolution_of ON complaint_resolution (complaint_id, id);
CREATE UNIQUE INDEX complaint_one_coupon ON complaint_resolution (complaint_id) WHERE kind = 'coupon';

-- Every status change (the first is the intake: from NULL to verifying).
CREATE TABLE complaint_status_change (
    id              INTEGER PRIMARY KEY,
    complaint_id    TEXT NOT NULL REFERENCES complaint (id),
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL REFERENCES staff (id)
) STRICT;
CREATE INDEX complaint_status_change_of ON complaint_status_change (complaint_id, id);
