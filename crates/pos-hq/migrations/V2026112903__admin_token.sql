-- Headquarters' own staff read the admin views (stores, gaps, quarantine, members, merge queue)
-- with admin tokens; a store's token opens only its own push, pull and restore.
CREATE TABLE admin_token (
    token_sha256 text PRIMARY KEY,
    note         text NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
