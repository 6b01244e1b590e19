-- The prescription register searched by member and by drug over a year without a sale and a
-- member lookup per record (issue 11, benches/pharmacist.rs: 152 ms for a year by a member's
-- name, 157 ms by phone, 55 ms by drug).
-- - The record carries its sale's member (NULL for a walk-in), filled like its day and time
--   (migration 0019) from the sale, which is always written first and whose member never
--   changes; existing records filled here. A member criterion then checks each member of the
--   period's records once, instead of a sale and a member for every record.
-- - The Rx lines of sales are indexed with their name and barcode (Rx lines only: a tenth of
--   the lines), so a drug criterion is answered from that index alone.
-- Forward-only: never edit once landed.

ALTER TABLE prescription ADD COLUMN member_id TEXT REFERENCES member (id);
UPDATE prescription SET member_id = (SELECT s.member_id FROM sale s WHERE s.id = prescription.sale_id);
CREATE INDEX prescription_member ON prescription (business_date, member_id)
    WHERE member_id IS NOT NULL;

CREATE TRIGGER prescription_member_from_sale AFTER INSERT ON prescription
BEGIN
    UPDATE prescription SET member_id = (SELECT s.member_id FROM sale s WHERE s.id = NEW.sale_id)
    WHERE sale_id = NEW.sale_id;
END;

CREATE INDEX sale_line_rx ON sale_line (sale_id, name, barcode) WHERE rx = 1;
