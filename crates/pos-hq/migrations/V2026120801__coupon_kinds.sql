-- Coupon kinds (issue 10, `coupon.issued@1` since the stores' migration 0020): a percent coupon
-- (percent off, with an optional cap) and coupons limited to products or categories. Without
-- these columns headquarters read a percent coupon as a fixed amount of its cap.
ALTER TABLE coupon ADD COLUMN percent integer CHECK (percent IS NULL OR percent BETWEEN 1 AND 99);
ALTER TABLE coupon ADD COLUMN cap numeric(12, 2);
ALTER TABLE coupon ADD COLUMN scope_products uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE coupon ADD COLUMN scope_categories text[] NOT NULL DEFAULT '{}';
