-- The chain's key for digests of ephedrine buyers' ID numbers (HMAC-SHA256): tills receive the
-- key and each purchase's digest, never another store's ID numbers. One row; made on first need.
CREATE TABLE chain_key (
    id          uuid PRIMARY KEY,
    key_hex     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
