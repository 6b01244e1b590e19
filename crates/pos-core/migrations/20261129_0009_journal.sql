-- The sales journal (销售流水, issue 9): cancelled carts keep who cancelled them, when and why,
-- and the business day they belong to; past sales are listed newest first. Forward-only.
ALTER TABLE cart ADD COLUMN voided_at TEXT;
ALTER TABLE cart ADD COLUMN voided_by TEXT;
ALTER TABLE cart ADD COLUMN void_reason TEXT;
ALTER TABLE cart ADD COLUMN void_business_date TEXT;
CREATE INDEX cart_voided ON cart (void_business_date) WHERE void_reason IS NOT NULL;
CREATE INDEX sale_at ON sale (at);
CREATE INDEX sale_return_at ON sale_return (at);
CREATE INDEX sale_cashier ON sale (cashier_id, business_date);
