-- A covering index for searching by part of the name: a scan of this index reads far fewer pages
-- than a scan of the product table.
CREATE INDEX product_names ON product (name, generic_name, id);
