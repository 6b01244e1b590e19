-- The stamp headquarters orders a member edit by when the till's clock was too far ahead
-- (clamped to receipt time + 5 min). Tills learn it from the push answer (their own edits) and
-- from pulls (other stores' edits), so every store orders edits exactly as headquarters does.
ALTER TABLE event ADD COLUMN order_hlc jsonb;
