-- Indexes for the day-close report (issue 9): points issued and redeemed on a business day, and
-- new members by registration time, without reading the whole ledger or member file.
-- Forward-only: never edit once landed.
CREATE INDEX points_entry_day ON points_entry (business_date, kind);
CREATE INDEX member_created ON member (created_at);
CREATE INDEX ephedrine_register_day ON ephedrine_register (business_date);
