-- Sync with headquarters (docs/sync.md). Forward-only: never edit once landed.
-- Outbox kinds carry their catalogue version from now on; what was written before the catalogue
-- existed is version 1 of the same kind (the catalogue's v1 types read those payloads).
UPDATE outbox SET kind = kind || '@1' WHERE instr(kind, '@') = 0;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE acked_at IS NULL;

-- Where this till syncs, how far it has pulled, and how the last attempt went.
CREATE TABLE sync_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    hq_url          TEXT NOT NULL DEFAULT '',
    token           TEXT NOT NULL DEFAULT '',
    nightly_at      TEXT NOT NULL DEFAULT '02:00',     -- local time of the nightly sync
    pull_cursor     INTEGER NOT NULL DEFAULT 0,        -- headquarters' position pulled through
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT
) STRICT;
INSERT INTO sync_state (singleton) VALUES (1);

-- Every event pulled from headquarters, applied or not, with what applying it did: nothing
-- pulled is lost, and a page applied twice changes nothing (the event id is the key).
CREATE TABLE sync_inbox (
    event_id        TEXT PRIMARY KEY,
    cursor          INTEGER NOT NULL,
    store_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    payload_hash    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- headquarters' ordering stamp (JSON) when it clamped a stamp from a till clock far ahead
    order_hlc       TEXT,
    received_at     TEXT NOT NULL,
    -- applied | waiting (needs an event not here yet) | ignored (not for tills) |
    -- conflict (kept for headquarters or a person) | bad (damaged or unknown)
    outcome         TEXT NOT NULL CHECK (outcome IN ('applied', 'waiting', 'ignored', 'conflict', 'bad')),
    note            TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sync_inbox_waiting ON sync_inbox (cursor) WHERE outcome = 'waiting';

-- Health items removed elsewhere, kept so that a removal that arrives before its item's
-- addition still wins (add-wins set with explicit removal).
CREATE TABLE sync_health_removal (
    item_id     TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL,
    at          TEXT NOT NULL,
    by_staff    TEXT NOT NULL
) STRICT;

-- Members headquarters merged (the same phone registered at two stores offline): the later
-- registration points at the surviving one. A merged member is found by no lookup, and the
-- survivor's points, spend and coupons are those of both (sums over the pair), so a merge moves
-- nothing and gives the same balances in whatever order the events arrive.
-- (No foreign key: the survivor may arrive after the merge.)
ALTER TABLE member ADD COLUMN merged_into TEXT;
CREATE INDEX member_merged_into ON member (merged_into) WHERE merged_into IS NOT NULL;
DROP INDEX member_phone_active;
CREATE UNIQUE INDEX member_phone_active ON member (phone) WHERE status = 'active' AND merged_into IS NULL;

-- Every merge headquarters announced, also for members this till has not seen yet.
CREATE TABLE member_merge (
    merged_id   TEXT PRIMARY KEY,
    survivor_id TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;

-- Ephedrine purchases anywhere in the chain, as headquarters announces them: by a keyed digest
-- of the buyer's ID number (the key comes from headquarters too), never the number itself.
CREATE TABLE chain_key (
    key_id      TEXT PRIMARY KEY,
    key_hex     TEXT NOT NULL
) STRICT;
CREATE TABLE ephedrine_chain_purchase (
    sale_id         TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    digest          TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    packages        INTEGER NOT NULL
) STRICT;
CREATE INDEX ephedrine_chain_purchase_digest ON ephedrine_chain_purchase (digest, business_date);
