-- Receipts that add up and print by themselves (issue 12).
--
-- A pharmacy's sales voucher names each line's manufacturer (生产厂家) beside its batch and
-- expiry: the sale line keeps the product's manufacturer as it was when the sale was paid.
-- Sales paid before this migration have none (NULL); their receipts fall back to the catalog.
ALTER TABLE sale_line ADD COLUMN manufacturer TEXT;

-- After payment the receipt prints by itself (on by default); a till can turn it off.
ALTER TABLE till ADD COLUMN auto_print INTEGER NOT NULL DEFAULT 1 CHECK (auto_print IN (0, 1));
