-- 药品追溯码 that headquarters found out at two or more sales of the chain at once
-- (`trace.conflict@1`), kept for this store's own sales: one row per code and sale of ours,
-- with the other sales as headquarters named them. Both sales stand (SYNC-DESIGN); the row goes
-- when headquarters says the code is out at one sale only again.
CREATE TABLE trace_conflict (
    code        TEXT NOT NULL,
    sale_id     TEXT NOT NULL REFERENCES sale (id),
    others      TEXT NOT NULL,              -- JSON: [{store_name, receipt_no, business_date}]
    flagged_at  TEXT NOT NULL,
    PRIMARY KEY (code, sale_id)
) STRICT;
