-- Reports, the alerts they raise, each alert's timeline, and the consumed Kafka offsets.
-- Scoring writes all four in one transaction per batch, which is what makes delivery into
-- PostgreSQL effectively exactly once: the offsets move only together with the rows.

CREATE TABLE reports (
    report_id       uuid PRIMARY KEY,              -- chosen by the sender; a resubmission is a no-op
    tracking_code   text NOT NULL UNIQUE,
    incident_key    text NOT NULL,
    source          text NOT NULL,
    reporter        text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    city            text NOT NULL,
    district        text,
    street          text,
    subject_name    text NOT NULL,
    body            jsonb NOT NULL,                -- the report exactly as the contract describes it
    grade           text NOT NULL CHECK (grade IN ('none', 'blue', 'yellow', 'orange', 'red')),
    probabilities   real[] NOT NULL,               -- index = grade (none, blue, yellow, orange, red)
    model_version   text NOT NULL,
    alert_id        bigint,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint NOT NULL
);

CREATE INDEX reports_incident_key ON reports (incident_key);
CREATE INDEX reports_alert_id ON reports (alert_id) WHERE alert_id IS NOT NULL;

CREATE TABLE alerts (
    alert_id        bigserial PRIMARY KEY,
    incident_key    text NOT NULL,
    city            text NOT NULL,
    district        text,
    street          text,
    subject_name    text NOT NULL,
    grade           text NOT NULL CHECK (grade IN ('blue', 'yellow', 'orange', 'red')),
    status          text NOT NULL DEFAULT 'new',
    probabilities   real[] NOT NULL,               -- of the report that set the current grade
    model_version   text NOT NULL,
    report_count    integer NOT NULL DEFAULT 1,
    opened_at       timestamptz NOT NULL,
    last_report_at  timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- While an incident is open, its reports join its one alert.
CREATE UNIQUE INDEX alerts_one_open_per_incident ON alerts (incident_key) WHERE status <> 'closed';
CREATE INDEX alerts_opened_at ON alerts (opened_at DESC);

ALTER TABLE reports ADD CONSTRAINT reports_alert_fk FOREIGN KEY (alert_id) REFERENCES alerts (alert_id);

-- Everything that happened to an alert, with who or what did it (model version, policy version, person).
CREATE TABLE alert_events (
    event_id        bigserial PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES alerts (alert_id),
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    kind            text NOT NULL,
    detail          jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX alert_events_alert ON alert_events (alert_id, event_id);

-- The next offset to read per partition, written in the same transaction as the rows it covers.
CREATE TABLE consumer_offsets (
    group_id        text NOT NULL,
    topic           text NOT NULL,
    partition       integer NOT NULL,
    next_offset     bigint NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
);
