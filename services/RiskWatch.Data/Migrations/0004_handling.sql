-- The 211 handling mechanism: tier and deadlines per alert from a versioned policy, corroboration, the lifecycle
-- (acknowledged -> in_handling -> resolved -> closed, reopen), escalation state for the deadline timer, the
-- transactional outbox with per-subscriber webhook delivery state, and responders' regrades as model feedback.

-- The model's reasons for a report's grade (policy floors first, then the strongest features), in words.
ALTER TABLE reports ADD COLUMN IF NOT EXISTS reasons jsonb NOT NULL DEFAULT '[]';

ALTER TABLE alerts
    ADD COLUMN tier                   text NOT NULL DEFAULT 'street' CHECK (tier IN ('street', 'district', 'city', 'joint')),
    ADD COLUMN policy_version         text NOT NULL DEFAULT 'builtin',
    ADD COLUMN highest_reported_grade text,                 -- highest grade of its reports, before corroboration and people
    ADD COLUMN informant_count        integer NOT NULL DEFAULT 1,
    ADD COLUMN corroborated           boolean NOT NULL DEFAULT false,
    -- Place names as keys (PlaceKey: "深圳" = "深圳市"), for jurisdiction scopes in every query.
    ADD COLUMN city_key               text,
    ADD COLUMN district_key           text,
    ADD COLUMN street_key             text,
    ADD COLUMN acknowledge_due_at     timestamptz,           -- null once acknowledged or after the last reminder
    ADD COLUMN act_due_at             timestamptz,
    ADD COLUMN acknowledged_at        timestamptz,
    ADD COLUMN acknowledged_by        text,
    ADD COLUMN first_action_at        timestamptz,
    ADD COLUMN assignee               text,
    ADD COLUMN resolved_at            timestamptz,
    ADD COLUMN outcome                text CHECK (outcome IN ('mediated', 'wages_paid', 'referred_to_labour_inspection', 'false_alarm', 'other')),
    ADD COLUMN closed_at              timestamptz,
    ADD COLUMN acknowledge_missed     boolean NOT NULL DEFAULT false,
    ADD COLUMN act_missed             boolean NOT NULL DEFAULT false,
    ADD COLUMN escalation_count       integer NOT NULL DEFAULT 0,
    ADD COLUMN reminders_sent         integer NOT NULL DEFAULT 0,
    -- A report after the grouping window opens a new alert; the old one stays open for its handlers but takes no more reports.
    ADD COLUMN superseded_by          bigint REFERENCES alerts (alert_id);

ALTER TABLE alerts ADD CONSTRAINT alerts_status_known CHECK (status IN ('new', 'acknowledged', 'in_handling', 'resolved', 'closed'));

-- Rows from before this migration: tier by MODEL-211, deadlines from opening, rough place keys.
UPDATE alerts SET
    tier = CASE grade WHEN 'red' THEN 'city' WHEN 'orange' THEN 'city' WHEN 'yellow' THEN 'district' ELSE 'street' END,
    highest_reported_grade = grade,
    city_key = lower(regexp_replace(city, '市$', '')),
    district_key = lower(regexp_replace(coalesce(district, ''), '(新区|区|县)$', '')),
    street_key = lower(regexp_replace(coalesce(street, ''), '(街道|街|镇|乡)$', '')),
    acknowledge_due_at = CASE WHEN status = 'new' THEN opened_at + CASE grade WHEN 'red' THEN interval '15 minutes'
        WHEN 'orange' THEN interval '1 hour' WHEN 'yellow' THEN interval '4 hours' ELSE interval '24 hours' END END,
    act_due_at = opened_at + CASE grade WHEN 'red' THEN interval '2 hours' WHEN 'orange' THEN interval '12 hours'
        WHEN 'yellow' THEN interval '48 hours' ELSE interval '7 days' END;

ALTER TABLE alerts ALTER COLUMN highest_reported_grade SET NOT NULL;
ALTER TABLE alerts ALTER COLUMN city_key SET NOT NULL;
ALTER TABLE alerts ALTER COLUMN district_key SET NOT NULL;
ALTER TABLE alerts ALTER COLUMN street_key SET NOT NULL;

-- One alert takes an incident's reports at a time: open and not superseded.
DROP INDEX alerts_one_open_per_incident;
CREATE UNIQUE INDEX alerts_one_current_per_incident ON alerts (incident_key) WHERE status <> 'closed' AND superseded_by IS NULL;
CREATE INDEX alerts_scope ON alerts (city_key, district_key, street_key);
-- What the deadline timer scans.
CREATE INDEX alerts_acknowledge_due ON alerts (acknowledge_due_at) WHERE status = 'new' AND acknowledge_due_at IS NOT NULL;
CREATE INDEX alerts_act_due ON alerts (act_due_at) WHERE NOT act_missed AND status IN ('new', 'acknowledged');

-- Every alert change for the outside world, written in the same transaction as the change. The relay publishes
-- each row to Kafka (riskwatch.alerts.v1) and to every webhook subscriber.
CREATE TABLE outbox (
    outbox_id       bigserial PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES alerts (alert_id),
    event_id        bigint REFERENCES alert_events (event_id),
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz                              -- to Kafka
);

CREATE INDEX outbox_unpublished ON outbox (outbox_id) WHERE published_at IS NULL;

-- Webhook subscribers (from configuration, kept here so every Response instance shares their delivery state).
-- A subscriber receives the changes after since_outbox_id, the outbox position when it was first registered.
CREATE TABLE webhook_subscribers (
    name            text PRIMARY KEY,
    url             text NOT NULL,
    since_outbox_id bigint NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per outbox entry and subscriber; delivered_at set once a 2xx came back, after which it is never sent again.
CREATE TABLE webhook_deliveries (
    outbox_id       bigint NOT NULL REFERENCES outbox (outbox_id),
    subscriber      text NOT NULL REFERENCES webhook_subscribers (name),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    failed_at       timestamptz,                            -- gave up after the last retry
    last_status     integer,
    last_error      text,
    PRIMARY KEY (outbox_id, subscriber)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- A responder's regrade is a label for the model: these reports deserved this grade, and why.
CREATE TABLE grade_feedback (
    feedback_id     bigserial PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES alerts (alert_id),
    report_ids      uuid[] NOT NULL,
    model_grade     text NOT NULL,
    corrected_grade text NOT NULL CHECK (corrected_grade IN ('none', 'blue', 'yellow', 'orange', 'red')),
    reason          text NOT NULL,
    actor           text NOT NULL,
    model_version   text NOT NULL,
    policy_version  text NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX alert_events_recent ON alert_events (event_id DESC);
