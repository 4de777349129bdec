-- Transactional outbox: an event is written in the transaction of the change it reports, and relayed to
-- platform.events afterwards (at least once; the row id is the CloudEvent id, so consumers can deduplicate).
CREATE TABLE outbox (
    id           UUID                     NOT NULL PRIMARY KEY,
    event_type   VARCHAR(100)             NOT NULL,
    subject      VARCHAR(100),
    payload      TEXT                     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX outbox_unpublished_idx ON outbox (published_at, created_at);
