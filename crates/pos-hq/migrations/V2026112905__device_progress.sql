-- Per device, the highest seq up to which every event has arrived: the gap check of a push
-- reads only the device's events past it instead of its whole history.
CREATE TABLE device_progress (
    device_id  uuid PRIMARY KEY,
    contiguous bigint NOT NULL
);
