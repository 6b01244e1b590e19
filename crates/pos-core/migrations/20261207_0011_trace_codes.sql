-- 药品追溯码 (drug traceability codes, issue 12) and payment references.
--
-- One code per pack. A code is scanned into the cart (cart_trace_code), moves to the sale line at
-- payment (sale_trace_code) and is "out" until a return brings that pack back (return_id set).
-- The partial unique index is the rule "a code already sold in this store is refused unless it
-- came back in a return", kept by the database itself.

ALTER TABLE sale_payment ADD COLUMN reference TEXT;

-- The line the cashier scanned last: a code that names no product belongs to it.
ALTER TABLE cart ADD COLUMN last_line_id TEXT;

CREATE TABLE cart_trace_code (
    cart_id     TEXT NOT NULL REFERENCES cart (id),
    line_id     TEXT NOT NULL REFERENCES cart_line (id),
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('msfx', 'maker', 'gs1')),
    gtin        TEXT,
    batch_no    TEXT,
    expires_on  TEXT,
    serial      TEXT,
    scanned_at  TEXT NOT NULL,
    scanned_by  TEXT NOT NULL,
    PRIMARY KEY (cart_id, code)
) STRICT;
CREATE INDEX cart_trace_code_line ON cart_trace_code (line_id);

CREATE TABLE sale_trace_code (
    code            TEXT NOT NULL,
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    sale_line_id    TEXT NOT NULL REFERENCES sale_line (id),
    kind            TEXT NOT NULL CHECK (kind IN ('msfx', 'maker', 'gs1')),
    gtin            TEXT,
    batch_no        TEXT,
    expires_on      TEXT,
    serial          TEXT,
    business_date   TEXT NOT NULL,
    return_id       TEXT,
    PRIMARY KEY (sale_id, code)
) STRICT;
CREATE UNIQUE INDEX sale_trace_code_out ON sale_trace_code (code) WHERE return_id IS NULL;
CREATE INDEX sale_trace_code_day ON sale_trace_code (business_date);
CREATE INDEX sale_trace_code_line ON sale_trace_code (sale_line_id);

-- 码上放心 codes begin with the product's 7-digit identifier: learnt the first time a code is
-- scanned after its product, so the next pack's code alone finds the product.
CREATE TABLE trace_prefix (
    prefix      TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES product (id),
    learned_at  TEXT NOT NULL
) STRICT;
