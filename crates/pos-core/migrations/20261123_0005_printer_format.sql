-- What the till sends to its receipt printer: the PDF through the CUPS driver ('pdf'), or
-- ESC/POS bytes straight to a thermal printer's raw queue ('escpos').
ALTER TABLE till ADD COLUMN printer_format TEXT NOT NULL DEFAULT 'pdf'
    CHECK (printer_format IN ('pdf', 'escpos'));
