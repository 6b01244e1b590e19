-- The prescription register (处方登记) and the ephedrine register (含麻黄碱类复方制剂登记) made
-- readable: the patient captured with a prescription, indexes for searching both registers by
-- period, the register settings of this till, and guards that keep the records.
-- Forward-only: never edit once landed.

-- The patient the prescription was written for (name, sex, age), captured with it at the counter
-- and kept with the sale's prescription record. Empty / NULL on records made before this.
ALTER TABLE cart_prescription ADD COLUMN patient_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cart_prescription ADD COLUMN patient_sex TEXT NOT NULL DEFAULT ''
    CHECK (patient_sex IN ('', 'male', 'female'));
ALTER TABLE cart_prescription ADD COLUMN patient_age INTEGER CHECK (patient_age BETWEEN 0 AND 150);
ALTER TABLE prescription ADD COLUMN patient_name TEXT NOT NULL DEFAULT '';
ALTER TABLE prescription ADD COLUMN patient_sex TEXT NOT NULL DEFAULT ''
    CHECK (patient_sex IN ('', 'male', 'female'));
ALTER TABLE prescription ADD COLUMN patient_age INTEGER CHECK (patient_age BETWEEN 0 AND 150);

-- Registers are searched by period, newest first.
CREATE INDEX ephedrine_register_date ON ephedrine_register (business_date, at);
CREATE INDEX prescription_doctor ON prescription (doctor);

-- This till's register settings: the folder a prescription scanner saves its images in (none:
-- images are picked from a file only), and when a buyer of ephedrine preparations counts as a
-- repeat buyer: `repeat_min_purchases` purchases (sales) by the same ID number within
-- `repeat_window_days` days, this one included. Defaults: 2 within 30 days, the window the
-- till's own check at the counter uses (cart::EPHEDRINE_REPEAT_DAYS).
CREATE TABLE register_settings (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    scanner_dir             TEXT,
    repeat_window_days      INTEGER NOT NULL DEFAULT 30 CHECK (repeat_window_days BETWEEN 1 AND 366),
    repeat_min_purchases    INTEGER NOT NULL DEFAULT 2 CHECK (repeat_min_purchases BETWEEN 2 AND 99)
) STRICT;
INSERT INTO register_settings (id) VALUES (1);

-- Prescription records are kept at least 2 years (GSP): no statement deletes one whose sale is
-- less than 2 years older than the store's newest sale, whoever issues it (a future clean-up job
-- included). The store's own newest business day, not the wall clock: a till whose clock is set
-- wrong keeps records longer, never shorter.
CREATE TRIGGER prescription_kept_two_years BEFORE DELETE ON prescription
WHEN (SELECT business_date FROM sale WHERE id = OLD.sale_id)
     > date((SELECT max(business_date) FROM sale), '-2 years')
BEGIN
    SELECT RAISE(ABORT, 'PRESCRIPTION_RETAINED: 处方记录至少保存 2 年，不能删除');
END;
-- A register line is a fact for the inspector: never changed, and kept 2 years like the above.
CREATE TRIGGER ephedrine_register_immutable BEFORE UPDATE ON ephedrine_register
BEGIN
    SELECT RAISE(ABORT, 'REGISTER_IMMUTABLE: 含麻黄碱类复方制剂登记不能修改');
END;
CREATE TRIGGER ephedrine_register_kept_two_years BEFORE DELETE ON ephedrine_register
WHEN OLD.business_date > date((SELECT max(business_date) FROM sale), '-2 years')
BEGIN
    SELECT RAISE(ABORT, 'REGISTER_RETAINED: 含麻黄碱类复方制剂登记至少保存 2 年，不能删除');
END;
