-- Coupon kinds (issue 10): a coupon is a fixed amount off (as before) or a percent off with an
-- optional cap, and may be limited to chosen products and/or categories. Old rows stay valid:
-- no percent = a fixed amount, empty scopes = every discount-eligible line.
--
-- face_fen keeps its CHECK (> 0) from 0003 (SQLite cannot change a CHECK without rebuilding a
-- table that three others reference): for a percent coupon it holds the most the coupon can take
-- off, its cap, or 99 999 999.99 when it has none, so anything that reads face_fen alone still
-- sees an upper bound.
ALTER TABLE coupon ADD COLUMN percent INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 99);
-- A percent coupon's cap in 分; NULL = no cap (always NULL for a fixed amount).
ALTER TABLE coupon ADD COLUMN cap_fen INTEGER CHECK (cap_fen IS NULL OR (percent IS NOT NULL AND cap_fen > 0));
-- JSON arrays: product ids and category names the coupon is limited to; '[]' = no limit.
ALTER TABLE coupon ADD COLUMN scope_products TEXT NOT NULL DEFAULT '[]';
ALTER TABLE coupon ADD COLUMN scope_categories TEXT NOT NULL DEFAULT '[]';
