-- Checkout: batches with expiry, the cart's coupon / points / overrides / held state, the
-- pharmacy gates on the draft (prescription, ephedrine buyer, allergy acknowledgements), the
-- committed sale with its lines, payments and registers, receipts, and returns.
-- Forward-only: never edit once landed.

-- This till's number within its store (part of every receipt number), its receipt printer
-- (a CUPS queue name; none: receipts are saved as PDF) and paper width.
ALTER TABLE till ADD COLUMN till_no INTEGER NOT NULL DEFAULT 1;
ALTER TABLE till ADD COLUMN printer TEXT;
ALTER TABLE till ADD COLUMN paper_mm INTEGER NOT NULL DEFAULT 80 CHECK (paper_mm IN (58, 80));

-- Batches (批号) with their expiry (有效期). A cart line takes the batch that expires first among
-- those not yet expired (FEFO); a product whose every batch has expired cannot be sold.
CREATE TABLE product_batch (
    product_id  TEXT NOT NULL REFERENCES product (id),
    batch_no    TEXT NOT NULL,
    expires_on  TEXT NOT NULL,                  -- last day the batch may be sold
    received_at TEXT NOT NULL,
    PRIMARY KEY (product_id, batch_no)
) STRICT;

ALTER TABLE cart ADD COLUMN coupon_id TEXT REFERENCES coupon (id);
ALTER TABLE cart ADD COLUMN points_asked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cart ADD COLUMN held_at TEXT;
ALTER TABLE cart_line ADD COLUMN batch_no TEXT;
ALTER TABLE cart_line ADD COLUMN batch_expires_on TEXT;
ALTER TABLE cart_line ADD COLUMN override_price_fen INTEGER;
ALTER TABLE cart_line ADD COLUMN override_by TEXT;
ALTER TABLE cart_line ADD COLUMN override_reason TEXT;
ALTER TABLE cart_line ADD COLUMN override_at TEXT;
ALTER TABLE cart_line ADD COLUMN guidance TEXT;
CREATE INDEX cart_status ON cart (status, opened_by);

-- The prescription for the Rx lines of a draft and the pharmacist's approval.
CREATE TABLE cart_prescription (
    cart_id         TEXT PRIMARY KEY REFERENCES cart (id),
    hospital        TEXT NOT NULL,
    doctor          TEXT NOT NULL,
    prescribed_on   TEXT NOT NULL,
    diagnosis       TEXT NOT NULL,
    image_path      TEXT,
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    approved_by     TEXT,
    approved_at     TEXT,
    approved_lines  TEXT NOT NULL DEFAULT ''   -- '|'-separated line ids the approval covers
) STRICT;

CREATE TABLE cart_ephedrine_buyer (
    cart_id     TEXT PRIMARY KEY REFERENCES cart (id),
    buyer_name  TEXT NOT NULL,
    id_number   TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;

CREATE TABLE cart_allergy_ack (
    cart_id         TEXT NOT NULL REFERENCES cart (id),
    line_id         TEXT NOT NULL,
    classes         TEXT NOT NULL,
    pharmacist_id   TEXT NOT NULL,
    at              TEXT NOT NULL,
    PRIMARY KEY (cart_id, line_id)
) STRICT;

-- Receipt numbers: business date (8) + till number (2) + sequence of the day (4), all digits.
CREATE TABLE receipt_counter (
    business_date   TEXT PRIMARY KEY,
    last_seq        INTEGER NOT NULL
) STRICT;

-- A committed sale: immutable. Its id is the cart id, minted when the cart opened.
CREATE TABLE sale (
    id                  TEXT PRIMARY KEY,
    receipt_no          TEXT NOT NULL UNIQUE,
    store_id            TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    business_date       TEXT NOT NULL,
    at                  TEXT NOT NULL,
    cashier_id          TEXT NOT NULL,
    member_id           TEXT REFERENCES member (id),
    member_tier         TEXT,
    subtotal_fen        INTEGER NOT NULL,
    tier_fen            INTEGER NOT NULL,
    member_day_fen      INTEGER NOT NULL,
    manual_fen          INTEGER NOT NULL,
    coupon_fen          INTEGER NOT NULL,
    points_fen          INTEGER NOT NULL,
    small_change_fen    INTEGER NOT NULL,
    payable_fen         INTEGER NOT NULL CHECK (payable_fen >= 0),
    tendered_fen        INTEGER NOT NULL,
    change_fen          INTEGER NOT NULL CHECK (change_fen >= 0),
    insurance_fen       INTEGER NOT NULL,
    coupon_id           TEXT,
    points_used         INTEGER NOT NULL,
    points_earned       INTEGER NOT NULL,
    points_balance_after INTEGER,                -- the member's balance right after the sale
    line_count          INTEGER NOT NULL,
    rx_reviewed_by      TEXT,
    pricing             TEXT NOT NULL           -- the pricing explanation, as JSON
) STRICT;
CREATE INDEX sale_date ON sale (business_date);
CREATE INDEX sale_member ON sale (member_id) WHERE member_id IS NOT NULL;

CREATE TABLE sale_line (
    id                      TEXT PRIMARY KEY,
    sale_id                 TEXT NOT NULL REFERENCES sale (id),
    position                INTEGER NOT NULL,
    product_id              TEXT NOT NULL,
    barcode                 TEXT NOT NULL,
    name                    TEXT NOT NULL,
    spec                    TEXT NOT NULL,
    unit                    TEXT NOT NULL,
    batch_no                TEXT,
    batch_expires_on        TEXT,
    unit_price_fen          INTEGER NOT NULL,
    quantity                INTEGER NOT NULL CHECK (quantity > 0),
    list_fen                INTEGER NOT NULL,
    rule                    TEXT NOT NULL,
    rate                    TEXT NOT NULL,
    net_fen                 INTEGER NOT NULL,
    coupon_share_fen        INTEGER NOT NULL,
    points_share_fen        INTEGER NOT NULL,
    small_change_share_fen  INTEGER NOT NULL,
    final_net_fen           INTEGER NOT NULL CHECK (final_net_fen >= 0),
    rx                      INTEGER NOT NULL,
    ephedrine               INTEGER NOT NULL,
    insurance               INTEGER NOT NULL,
    points_eligible         INTEGER NOT NULL,
    override_by             TEXT,
    override_reason         TEXT,
    guidance                TEXT
) STRICT;
CREATE INDEX sale_line_sale ON sale_line (sale_id, position);

CREATE TABLE sale_payment (
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('cash', 'wechat', 'alipay', 'card', 'insurance')),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    settlement_no   TEXT,
    PRIMARY KEY (sale_id, position)
) STRICT;

-- Prescription records (kept at least 2 years).
CREATE TABLE prescription (
    sale_id         TEXT PRIMARY KEY REFERENCES sale (id),
    hospital        TEXT NOT NULL,
    doctor          TEXT NOT NULL,
    prescribed_on   TEXT NOT NULL,
    diagnosis       TEXT NOT NULL,
    image_path      TEXT,
    approved_by     TEXT NOT NULL,
    approved_at     TEXT NOT NULL
) STRICT;

-- 含麻黄碱类复方制剂 register: buyer, ID number, drug, spec, quantity, batch, time.
CREATE TABLE ephedrine_register (
    id              TEXT PRIMARY KEY,
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    sale_line_id    TEXT NOT NULL,
    buyer_name      TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    spec            TEXT NOT NULL,
    quantity        INTEGER NOT NULL,
    batch_no        TEXT,
    at              TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    recorded_by     TEXT NOT NULL
) STRICT;
CREATE INDEX ephedrine_register_id_number ON ephedrine_register (id_number, business_date);

CREATE TABLE allergy_ack (
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    sale_line_id    TEXT NOT NULL,
    classes         TEXT NOT NULL,
    pharmacist_id   TEXT NOT NULL,
    at              TEXT NOT NULL,
    PRIMARY KEY (sale_id, sale_line_id)
) STRICT;

-- Every receipt printed or saved (the first is the original, later ones are marked 重印).
CREATE TABLE receipt_print (
    doc_id      TEXT NOT NULL,                  -- sale or return id
    at          TEXT NOT NULL,
    by_staff    TEXT NOT NULL,
    copy        INTEGER NOT NULL,               -- 0 original, 1.. reprints
    width_mm    INTEGER NOT NULL,
    target      TEXT NOT NULL                   -- printer name or file path
) STRICT;
CREATE INDEX receipt_print_doc ON receipt_print (doc_id);

-- Returns (quality problems only, manager-approved): immutable, pointing at the sale.
CREATE TABLE sale_return (
    id              TEXT PRIMARY KEY,
    receipt_no      TEXT NOT NULL UNIQUE,
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    store_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    at              TEXT NOT NULL,
    cashier_id      TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    reason_code     TEXT NOT NULL,
    reason_note     TEXT NOT NULL,
    refund_fen      INTEGER NOT NULL CHECK (refund_fen >= 0),
    points_taken_back   INTEGER NOT NULL,       -- earned points reversed
    points_given_back   INTEGER NOT NULL,       -- redeemed points returned
    points_balance_after INTEGER,               -- the member's balance right after the return
    full            INTEGER NOT NULL            -- this return completes the sale
) STRICT;
CREATE INDEX sale_return_sale ON sale_return (sale_id);

CREATE TABLE return_line (
    return_id       TEXT NOT NULL REFERENCES sale_return (id),
    sale_line_id    TEXT NOT NULL REFERENCES sale_line (id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    refund_fen      INTEGER NOT NULL CHECK (refund_fen >= 0),
    PRIMARY KEY (return_id, sale_line_id)
) STRICT;
CREATE INDEX return_line_sale_line ON return_line (sale_line_id);

CREATE TABLE return_refund (
    return_id   TEXT NOT NULL REFERENCES sale_return (id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (return_id, position)
) STRICT;
