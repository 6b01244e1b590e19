-- Members (会员): the member file, its edit history, the health part kept apart with its access
-- log, consent events, the points ledger with FIFO draws, coupons, spend facts for tiers, tier
-- history, the business rules and the hybrid logical clock. Forward-only: never edit once landed.

-- The business rules a manager can change (PRODUCT.md §4); one JSON document, defaults in code.
CREATE TABLE business_rules (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    rules       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT
) STRICT;

-- The last hybrid-logical-clock stamp this till issued or received (SYNC-DESIGN.md), persisted so
-- a wall clock that jumps backwards cannot reorder edits.
CREATE TABLE hlc_state (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    wall_ms     INTEGER NOT NULL,
    counter     INTEGER NOT NULL
) STRICT;

CREATE TABLE member (
    id              TEXT PRIMARY KEY,
    card_no         TEXT NOT NULL UNIQUE,       -- 13 digits, prefix 29, GS1 check digit
    phone           TEXT NOT NULL,              -- 11 digits; '' once anonymized
    -- derived, for the last-4 lookup; '' once anonymized
    phone_last4     TEXT NOT NULL GENERATED ALWAYS AS (substr(phone, 8, 4)) VIRTUAL,
    name            TEXT NOT NULL,
    name_initials   TEXT NOT NULL,              -- pinyin initials, lower case: 张伟 → zw
    gender          TEXT NOT NULL CHECK (gender IN ('unknown', 'female', 'male')),
    birthday        TEXT,                       -- YYYY-MM-DD
    -- derived 1..12, for birthday coupons and lists
    birth_month     INTEGER GENERATED ALWAYS AS (CAST(substr(birthday, 6, 2) AS INTEGER)) VIRTUAL,
    address         TEXT NOT NULL,
    occupation      TEXT NOT NULL,
    tags            TEXT NOT NULL,              -- '|'-separated
    store_id        TEXT NOT NULL,              -- the registering store
    registered_by   TEXT NOT NULL,              -- staff id
    owner_staff_id  TEXT NOT NULL,              -- the staff member who owns the member's care
    status          TEXT NOT NULL CHECK (status IN ('active', 'anonymized')),
    tier            TEXT NOT NULL CHECK (tier IN ('normal', 'silver', 'gold', 'diamond')),
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT NOT NULL,              -- when the phone was last confirmed right
    updated_at      TEXT NOT NULL
) STRICT;
-- A phone belongs to at most one active member.
CREATE UNIQUE INDEX member_phone_active ON member (phone) WHERE status = 'active';
-- Last-4 lookups read the newest 20 straight off this index, never all ~100 matches per 1M.
CREATE INDEX member_phone_last4 ON member (phone_last4, created_at) WHERE status = 'active';
CREATE INDEX member_name ON member (name);
CREATE INDEX member_name_initials ON member (name_initials);
CREATE INDEX member_birth_month ON member (birth_month) WHERE birth_month IS NOT NULL;
CREATE INDEX member_owner ON member (owner_staff_id);

-- Every field edit: who, when, old → new, and the HLC stamp that orders concurrent edits.
CREATE TABLE member_field_edit (
    id          TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES member (id),
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    at          TEXT NOT NULL,
    by_staff    TEXT NOT NULL,
    hlc_wall_ms INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    hlc_device  TEXT NOT NULL
) STRICT;
CREATE INDEX member_field_edit_member ON member_field_edit (member_id, field);

-- The health part (sensitive personal information): allergen classes, chronic conditions,
-- long-term medicines, special groups. An add-wins set: an item stays until removed explicitly.
CREATE TABLE member_health_item (
    id          TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES member (id),
    kind        TEXT NOT NULL CHECK (kind IN ('allergy', 'condition', 'medicine', 'group')),
    code        TEXT NOT NULL,                  -- from the controlled list, or 'other'
    note        TEXT NOT NULL,                  -- free text
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
) STRICT;
CREATE INDEX member_health_item_member ON member_health_item (member_id);

-- Every read and edit of the health part, and every refused attempt.
CREATE TABLE health_access_log (
    at          TEXT NOT NULL,
    staff_id    TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    action      TEXT NOT NULL,                  -- read, add, remove, export, denied
    item_id     TEXT
) STRICT;
CREATE INDEX health_access_log_member ON health_access_log (member_id, at);

-- PIPL consent: basic (needed to register) and health (separate, optional). The latest event
-- per scope is the state; events are never changed.
CREATE TABLE consent_event (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES member (id),
    scope           TEXT NOT NULL CHECK (scope IN ('basic', 'health')),
    action          TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
    notice_version  TEXT NOT NULL,
    at              TEXT NOT NULL,
    by_staff        TEXT NOT NULL
) STRICT;
CREATE INDEX consent_event_member ON consent_event (member_id, scope, at);

-- The points ledger, append-only. Positive entries (earn, positive adjust, give-back of redeemed
-- points) are lots with an expiry; negative entries (redeem, expire, negative adjust, reversal of
-- earned points) draw from lots oldest first, recorded in points_draw. Balance = Σ points.
CREATE TABLE points_entry (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES member (id),
    kind            TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'adjust', 'reverse')),
    points          INTEGER NOT NULL CHECK (points <> 0),
    expires_on      TEXT,                       -- lots only: 31 Dec of the year after earning
    sale_id         TEXT,
    reverses        TEXT REFERENCES points_entry (id),
    reason          TEXT NOT NULL,
    by_staff        TEXT,
    at              TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    CHECK ((points > 0) = (expires_on IS NOT NULL))
) STRICT;
CREATE INDEX points_entry_member ON points_entry (member_id, business_date);
-- Covers a member's balance and open lots (the cashier's lookup) without touching the table.
CREATE INDEX points_entry_standing ON points_entry (member_id, expires_on, points, at, id);
CREATE INDEX points_entry_lots ON points_entry (expires_on) WHERE points > 0;
CREATE INDEX points_entry_sale ON points_entry (sale_id) WHERE sale_id IS NOT NULL;

CREATE TABLE points_draw (
    entry_id    TEXT NOT NULL REFERENCES points_entry (id),   -- the negative entry
    lot_id      TEXT NOT NULL REFERENCES points_entry (id),   -- the positive entry drawn from
    points      INTEGER NOT NULL CHECK (points > 0),
    PRIMARY KEY (entry_id, lot_id)
) STRICT;
CREATE INDEX points_draw_lot ON points_draw (lot_id, points);

CREATE TABLE coupon (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES member (id),
    kind            TEXT NOT NULL CHECK (kind IN ('new_member', 'birthday', 'top_spender', 'manual')),
    face_fen        INTEGER NOT NULL CHECK (face_fen > 0),
    min_spend_fen   INTEGER NOT NULL CHECK (min_spend_fen >= 0),
    valid_from      TEXT NOT NULL,              -- business dates, inclusive
    valid_until     TEXT NOT NULL,
    issue_key       TEXT UNIQUE,                -- makes automatic issuing idempotent
    reason          TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    issued_by       TEXT
) STRICT;
CREATE INDEX coupon_member ON coupon (member_id, valid_until);

-- A coupon is used at most once: the primary key says so.
CREATE TABLE coupon_use (
    coupon_id   TEXT PRIMARY KEY REFERENCES coupon (id),
    sale_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    by_staff    TEXT NOT NULL
) STRICT;

-- Net spend facts for tiers: one row per sale (+) or return (−) of a member, from any store
-- (local commits, and later what sync brings from other stores). Immutable.
CREATE TABLE member_spend (
    id              TEXT PRIMARY KEY,           -- the sale or return id
    member_id       TEXT NOT NULL REFERENCES member (id),
    store_id        TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    net_fen         INTEGER NOT NULL,
    at              TEXT NOT NULL
) STRICT;
CREATE INDEX member_spend_member ON member_spend (member_id, business_date);
CREATE INDEX member_spend_date ON member_spend (business_date);

CREATE TABLE member_tier_history (
    member_id   TEXT NOT NULL REFERENCES member (id),
    from_tier   TEXT NOT NULL,
    to_tier     TEXT NOT NULL,
    spend_fen   INTEGER NOT NULL,               -- trailing-365-day net spend that decided it
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL                   -- sale, return, nightly
) STRICT;
CREATE INDEX member_tier_history_member ON member_tier_history (member_id, at);

-- Housekeeping (points expiry, nightly tier recompute, birthday coupons) remembers how far it got,
-- so running it again the same day does nothing.
CREATE TABLE housekeeping_state (
    job         TEXT PRIMARY KEY,
    done_through TEXT NOT NULL                  -- business date
) STRICT;

-- The member a cart is being sold to (attached at any time before payment).
ALTER TABLE cart ADD COLUMN member_id TEXT REFERENCES member (id);
