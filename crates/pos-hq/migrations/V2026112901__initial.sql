-- PharmaPOS headquarters, first schema. Migrations are forward-only and named
-- V<YYYYMMDDNN>__<what>.sql (refinery keeps versions in an i32, so the timestamp has a
-- two-digit serial of the day instead of hours and minutes).

-- Stores of the chain and the bearer tokens they sync with (only SHA-256 of a token is kept).
CREATE TABLE store (
    id           uuid PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_push_at timestamptz,
    last_pull_at timestamptz
);

CREATE TABLE store_token (
    token_sha256 text PRIMARY KEY,
    store_id     uuid NOT NULL REFERENCES store (id),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX store_token_store ON store_token (store_id);

-- Every accepted event, exactly as the till sent it. hq_seq is headquarters' position: pulls
-- walk it. Pushes are serialized (advisory lock) so hq_seq commits in order.
CREATE TABLE event (
    hq_seq       bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    store_id     uuid NOT NULL,
    device_id    uuid NOT NULL,
    seq          bigint NOT NULL,
    kind         text NOT NULL,
    payload      text NOT NULL,
    payload_hash text NOT NULL,
    created_at   text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_device_seq ON event (device_id, seq);
CREATE INDEX event_store ON event (store_id);

-- Events set aside, with why. A till retries a quarantined event on every push; the unique
-- key keeps one row per (event, reason, payload).
CREATE TABLE quarantine (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL,
    store_id     uuid NOT NULL,           -- the pushing store (the token's)
    device_id    uuid NOT NULL,           -- the pushing device (the batch's)
    kind         text NOT NULL,
    payload_hash text NOT NULL,
    reason       text NOT NULL,
    message      text NOT NULL,
    envelope     jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, reason, payload_hash)
);
CREATE INDEX quarantine_store ON quarantine (store_id);

-- Members of the chain. A row may exist before its registration arrives (registered = false)
-- when an edit, a consent or an anonymization of it came first. The personal columns are a
-- cache of the winners in member_field.
CREATE TABLE member (
    id             uuid PRIMARY KEY,
    registered     boolean NOT NULL DEFAULT false,
    card_no        text,
    store_id       uuid,
    registered_by  uuid,
    created_at     timestamptz,
    phone          text,
    name           text,
    gender         text,
    birthday       text,
    address        text,
    occupation     text,
    tags           text,
    owner_staff_id text,
    anonymized_at  timestamptz,
    merged_into    uuid
);
CREATE INDEX member_phone ON member (phone);
CREATE INDEX member_merged_into ON member (merged_into);

-- Last writer wins per field: the winning value and its HLC stamp. wall_ms is the stamp as
-- headquarters orders it (clamped to receipt time + 5 min); orig_wall_ms is what the till said.
-- Ties on the stamp are broken by the event id so any arrival order gives the same winner.
CREATE TABLE member_field (
    member_id    uuid NOT NULL,
    field        text NOT NULL,
    value        text,
    wall_ms      bigint NOT NULL,
    counter      bigint NOT NULL,
    device       uuid NOT NULL,
    event_id     uuid NOT NULL,
    orig_wall_ms bigint NOT NULL,
    PRIMARY KEY (member_id, field)
);

-- Consent: every consent event, and the state per (member, scope) = the latest by `at`,
-- a withdrawal winning a tie.
CREATE TABLE consent_event (
    id             uuid PRIMARY KEY,
    member_id      uuid NOT NULL,
    scope          text NOT NULL,
    granted        boolean NOT NULL,
    notice_version text NOT NULL,
    at             timestamptz NOT NULL,
    by_staff       uuid NOT NULL
);
CREATE TABLE member_consent (
    member_id      uuid NOT NULL,
    scope          text NOT NULL,
    granted        boolean NOT NULL,
    at             timestamptz NOT NULL,
    consent_id     uuid NOT NULL,
    PRIMARY KEY (member_id, scope)
);

-- Health items: an item stays unless a removal of its id exists (removals are their own facts,
-- so a removal that arrives before its add still removes it).
CREATE TABLE health_item (
    id        uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    kind      text NOT NULL,
    code      text NOT NULL,
    note      text NOT NULL,
    added_at  timestamptz NOT NULL,
    added_by  uuid NOT NULL
);
CREATE INDEX health_item_member ON health_item (member_id);
CREATE TABLE health_item_removal (
    item_id   uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    at        timestamptz NOT NULL,
    by_staff  uuid NOT NULL
);

-- Points ledger: immutable entries; a balance is a sum.
CREATE TABLE points_entry (
    id            uuid PRIMARY KEY,
    member_id     uuid NOT NULL,
    kind          text NOT NULL,
    points        bigint NOT NULL,
    expires_on    date,
    sale_id       uuid,
    reverses      uuid,
    reason        text NOT NULL,
    at            timestamptz NOT NULL,
    business_date date NOT NULL,
    store_id      uuid NOT NULL
);
CREATE INDEX points_entry_member ON points_entry (member_id);

CREATE TABLE coupon (
    id          uuid PRIMARY KEY,
    member_id   uuid NOT NULL,
    kind        text NOT NULL,
    face        numeric(12, 2) NOT NULL,
    min_spend   numeric(12, 2) NOT NULL,
    valid_from  text NOT NULL,
    valid_until text NOT NULL,
    issue_key   text,
    reason      text NOT NULL,
    issued_at   timestamptz NOT NULL,
    issued_by   uuid,
    store_id    uuid NOT NULL
);
CREATE TABLE coupon_use (
    coupon_id uuid NOT NULL,
    sale_id   uuid NOT NULL,
    member_id uuid NOT NULL,
    at        timestamptz NOT NULL,
    by_staff  uuid NOT NULL,
    store_id  uuid NOT NULL,
    PRIMARY KEY (coupon_id, sale_id)
);

CREATE TABLE sale (
    id            uuid PRIMARY KEY,
    store_id      uuid NOT NULL,
    device_id     uuid NOT NULL,
    receipt_no    text NOT NULL,
    business_date date NOT NULL,
    at            timestamptz NOT NULL,
    member_id     uuid,
    payable       numeric(12, 2) NOT NULL,
    points_used   bigint NOT NULL,
    points_earned bigint NOT NULL
);
CREATE INDEX sale_member ON sale (member_id, business_date);
CREATE TABLE sale_line (
    id         uuid PRIMARY KEY,
    sale_id    uuid NOT NULL,
    product_id uuid NOT NULL,
    barcode    text NOT NULL,
    name       text NOT NULL,
    quantity   integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    final_net  numeric(12, 2) NOT NULL
);
CREATE INDEX sale_line_sale ON sale_line (sale_id);
CREATE TABLE sale_return (
    id            uuid PRIMARY KEY,
    sale_id       uuid NOT NULL,
    store_id      uuid NOT NULL,
    receipt_no    text NOT NULL,
    business_date date NOT NULL,
    at            timestamptz NOT NULL,
    refund        numeric(12, 2) NOT NULL,
    points_taken_back bigint NOT NULL,
    points_given_back bigint NOT NULL
);
CREATE INDEX sale_return_sale ON sale_return (sale_id);

-- Net spend of each sale for chain-wide tiers: payable less what was refunded of it. A member's
-- tier spend is the sum over its sales of the trailing 365 days, counting members merged into it.
CREATE VIEW sale_net AS
SELECT s.id AS sale_id,
       s.member_id,
       s.business_date,
       s.payable - COALESCE((SELECT sum(r.refund) FROM sale_return r WHERE r.sale_id = s.id), 0) AS net
FROM sale s;

CREATE FUNCTION member_net_spend(survivor uuid, as_of date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(sum(n.net), 0)
    FROM sale_net n
    WHERE (n.member_id = survivor OR n.member_id IN (SELECT id FROM member WHERE merged_into = survivor))
      AND n.business_date > as_of - 365
      AND n.business_date <= as_of
$$;

-- Same phone registered at two stores: a person decides when the names differ.
CREATE TABLE merge_queue (
    id            bigserial PRIMARY KEY,
    merged        uuid NOT NULL,
    survivor      uuid NOT NULL,
    phone         text NOT NULL,
    merged_name   text,
    survivor_name text,
    status        text NOT NULL DEFAULT 'open',
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (merged, survivor)
);
