-- Backups (issue 9): where they go, how many are kept, when the daily one runs, and how the last
-- one went. Forward-only: never edit once landed.
CREATE TABLE backup_settings (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    folder          TEXT NOT NULL DEFAULT '',        -- '' = the "backups" folder beside the store file
    keep            INTEGER NOT NULL DEFAULT 14 CHECK (keep BETWEEN 1 AND 365),
    daily_at        TEXT NOT NULL DEFAULT '22:30',   -- local time of the automatic daily backup
    last_backup_at  TEXT,
    last_backup     TEXT,                            -- the path of the last good backup
    last_error      TEXT
) STRICT;
INSERT INTO backup_settings (singleton) VALUES (1);
