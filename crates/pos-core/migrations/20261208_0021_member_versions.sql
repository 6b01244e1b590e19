-- What the member analytics keep in memory between calls is valid while this row stays the same
-- (issue 10, member/analytics.rs `held`): classifying 1 000 000 members by 12-month spend reads
-- every spend fact (3 million rows, seconds), and the screen, each drill-down page and each
-- export did it again. New spend facts, points entries and draws and tier changes are told by
-- their tables' largest rowid (those tables are append-only) and read on their own; this row
-- tells the rest:
-- - `standing`: who a spend fact counts for, or whether at all (a member's status or merge), or
--   a spend fact changed or removed;
-- - `census`: what the member counts read (a new member; a tier, gender, birthday, status,
--   merge or registration time), or a tier history row changed or removed;
-- - `points`: a points entry or draw changed or removed.
-- Random, not counted: a change rolled back must not leave behind a value that a later,
-- different change would take again.
-- Forward-only: never edit once landed.

CREATE TABLE member_version (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    standing    INTEGER NOT NULL,
    census      INTEGER NOT NULL,
    points      INTEGER NOT NULL
) STRICT;
INSERT INTO member_version (singleton, standing, census, points)
VALUES (1, random(), random(), random());

CREATE TRIGGER member_version_insert AFTER INSERT ON member
BEGIN
    UPDATE member_version SET census = random();
END;
CREATE TRIGGER member_version_standing AFTER UPDATE OF status, merged_into ON member
WHEN OLD.status IS NOT NEW.status OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
    UPDATE member_version SET standing = random(), census = random(), points = random();
END;
CREATE TRIGGER member_version_census AFTER UPDATE OF tier, gender, birthday, created_at ON member
WHEN OLD.tier IS NOT NEW.tier OR OLD.gender IS NOT NEW.gender
  OR OLD.birthday IS NOT NEW.birthday OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE member_version SET census = random();
END;
CREATE TRIGGER member_version_delete AFTER DELETE ON member
BEGIN
    UPDATE member_version SET standing = random(), census = random(), points = random();
END;

CREATE TRIGGER member_spend_version_update AFTER UPDATE ON member_spend
BEGIN
    UPDATE member_version SET standing = random();
END;
CREATE TRIGGER member_spend_version_delete AFTER DELETE ON member_spend
BEGIN
    UPDATE member_version SET standing = random();
END;

CREATE TRIGGER member_tier_history_version_update AFTER UPDATE ON member_tier_history
BEGIN
    UPDATE member_version SET census = random();
END;
CREATE TRIGGER member_tier_history_version_delete AFTER DELETE ON member_tier_history
BEGIN
    UPDATE member_version SET census = random();
END;

CREATE TRIGGER points_entry_version_update AFTER UPDATE ON points_entry
BEGIN
    UPDATE member_version SET points = random();
END;
CREATE TRIGGER points_entry_version_delete AFTER DELETE ON points_entry
BEGIN
    UPDATE member_version SET points = random();
END;
CREATE TRIGGER points_draw_version_update AFTER UPDATE ON points_draw
BEGIN
    UPDATE member_version SET points = random();
END;
CREATE TRIGGER points_draw_version_delete AFTER DELETE ON points_draw
BEGIN
    UPDATE member_version SET points = random();
END;

-- The few members who are not active (anonymized), so that the points figures take theirs out
-- of a sum over all entries instead of looking up the member of each of millions of entries.
CREATE INDEX member_not_active ON member (id) WHERE status <> 'active';
