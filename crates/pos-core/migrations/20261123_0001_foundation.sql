-- Foundation: this till's identity, pharmacy settings, staff, catalog with price history,
-- sale drafts (carts) and the sync outbox. Forward-only: never edit once landed.

CREATE TABLE till (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    store_id    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE pharmacy_settings (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    licence_no  TEXT NOT NULL,
    store_code  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT
) STRICT;

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    staff_no        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    is_cashier      INTEGER NOT NULL DEFAULT 0,
    is_pharmacist   INTEGER NOT NULL DEFAULT 0,
    is_manager      INTEGER NOT NULL DEFAULT 0,
    pin_hash        TEXT NOT NULL,
    failed_pins     INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
) STRICT;

-- Every login attempt, for the manager's eyes and for audits.
CREATE TABLE login_log (
    at          TEXT NOT NULL,
    staff_no    TEXT NOT NULL,
    outcome     TEXT NOT NULL
) STRICT;

CREATE TABLE product (
    id                  TEXT PRIMARY KEY,
    barcode             TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    generic_name        TEXT NOT NULL,
    spec                TEXT NOT NULL,
    dosage_form         TEXT NOT NULL,
    manufacturer        TEXT NOT NULL,
    unit                TEXT NOT NULL,
    price_fen           INTEGER NOT NULL CHECK (price_fen >= 0),
    category            TEXT NOT NULL,
    rx                  INTEGER NOT NULL,
    ephedrine           INTEGER NOT NULL,
    insurance           INTEGER NOT NULL,
    member_discount     INTEGER NOT NULL,
    points              INTEGER NOT NULL,
    follow_up           INTEGER NOT NULL,
    allergen_classes    TEXT NOT NULL,      -- '|'-separated
    days_of_supply      INTEGER,
    guidance            TEXT NOT NULL,
    name_initials       TEXT NOT NULL,      -- pinyin initials of name, lower case: 阿莫西林胶囊 → amxljn
    generic_initials    TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX product_name_initials ON product (name_initials);
CREATE INDEX product_generic_initials ON product (generic_initials);

-- Append-only: every price a product has had, with when and from which import.
CREATE TABLE product_price_history (
    product_id      TEXT NOT NULL REFERENCES product (id),
    old_price_fen   INTEGER,
    new_price_fen   INTEGER NOT NULL,
    changed_at      TEXT NOT NULL,
    changed_by      TEXT,
    source          TEXT NOT NULL
) STRICT;
CREATE INDEX product_price_history_product ON product_price_history (product_id, changed_at);

-- A sale being built at the till. Its id is the future sale id (minted when the cart opens).
CREATE TABLE cart (
    id          TEXT PRIMARY KEY,
    opened_at   TEXT NOT NULL,
    opened_by   TEXT NOT NULL REFERENCES staff (id),
    status      TEXT NOT NULL CHECK (status IN ('open', 'held', 'paid', 'voided'))
) STRICT;

CREATE TABLE cart_line (
    id              TEXT PRIMARY KEY,
    cart_id         TEXT NOT NULL REFERENCES cart (id),
    position        INTEGER NOT NULL,
    product_id      TEXT NOT NULL REFERENCES product (id),
    unit_price_fen  INTEGER NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL,
    removed_at      TEXT,
    removed_by      TEXT
) STRICT;
CREATE INDEX cart_line_cart ON cart_line (cart_id, position);

-- Sync outbox (SYNC-DESIGN.md): one row per committed change, written in the same transaction.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,    -- gapless per device: rows are never deleted
    event_id        TEXT NOT NULL UNIQUE,
    store_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    payload_hash    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    acked_at        TEXT
) STRICT;
