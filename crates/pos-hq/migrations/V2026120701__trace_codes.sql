-- 药品追溯码 sold at the stores (from `sale.committed@1`), and brought back by returns
-- (`return.committed@1`). A code out at two stores at once is flagged for a person
-- (SYNC-DESIGN: both sales stand; headquarters flags the code).
CREATE TABLE trace_code_sale (
    code           text NOT NULL,
    sale_id        uuid NOT NULL,
    sale_line_id   uuid NOT NULL,
    store_id       uuid NOT NULL,
    business_date  date NOT NULL,
    returned_by    uuid,
    PRIMARY KEY (sale_id, code)
);
CREATE INDEX trace_code_sale_code ON trace_code_sale (code);
CREATE INDEX trace_code_sale_line ON trace_code_sale (sale_line_id);
