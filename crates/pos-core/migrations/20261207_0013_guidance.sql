-- Medication guidance (用药指导) as structured records with their author (issue 11 §1).
--
-- A record belongs to one line: a cart line before payment, the same id as a sale line after
-- (a cart line's id becomes its sale line's id at payment). Records are never changed or removed:
-- the newest record of a line is its guidance, the older ones its history. A committed sale is
-- never updated, so guidance given after payment lives here and not on `sale_line`.
CREATE TABLE guidance (
    id                  TEXT PRIMARY KEY,
    -- The cart id, which is the sale id once paid.
    sale_id             TEXT NOT NULL,
    line_id             TEXT NOT NULL,
    product_id          TEXT NOT NULL,
    dose                TEXT NOT NULL DEFAULT '',
    frequency           TEXT NOT NULL DEFAULT '',
    timing              TEXT NOT NULL DEFAULT '',
    duration            TEXT NOT NULL DEFAULT '',
    watch_for           TEXT NOT NULL DEFAULT '',
    taboos              TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    -- The pharmacist who gave it, and their name as it was then (printed on the slip).
    pharmacist_id       TEXT NOT NULL,
    pharmacist_name     TEXT NOT NULL,
    -- 'login': the pharmacist's own session; 'pin': staff number and PIN typed at a colleague's till.
    via                 TEXT NOT NULL CHECK (via IN ('login', 'pin')),
    -- Who was logged in at the till (the pharmacist, or the cashier whose till it was).
    recorded_by         TEXT NOT NULL,
    -- 'cart': before payment (sent to headquarters with the sale's commit); 'sale': after.
    stage               TEXT NOT NULL CHECK (stage IN ('cart', 'sale')),
    at                  TEXT NOT NULL,
    business_date       TEXT NOT NULL
) STRICT;
CREATE INDEX guidance_line ON guidance (line_id, at);
CREATE INDEX guidance_sale ON guidance (sale_id);
CREATE INDEX guidance_pharmacist ON guidance (pharmacist_id, at);

CREATE TRIGGER guidance_no_update BEFORE UPDATE ON guidance
BEGIN SELECT RAISE(ABORT, 'guidance records are append-only'); END;
CREATE TRIGGER guidance_no_delete BEFORE DELETE ON guidance
BEGIN SELECT RAISE(ABORT, 'guidance records are append-only'); END;

-- A product's default structured guidance, which the pharmacist's form starts from. Without a
-- row here the catalog's free-text `product.guidance` is offered as the note.
CREATE TABLE product_guidance (
    product_id          TEXT PRIMARY KEY REFERENCES product (id),
    dose                TEXT NOT NULL DEFAULT '',
    frequency           TEXT NOT NULL DEFAULT '',
    timing              TEXT NOT NULL DEFAULT '',
    duration            TEXT NOT NULL DEFAULT '',
    watch_for           TEXT NOT NULL DEFAULT '',
    taboos              TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL
) STRICT;
