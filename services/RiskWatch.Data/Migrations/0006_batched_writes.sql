-- Set-based scoring: a batch asks, for every alert it joins, which of its reporters the alert already counts as
-- independent informants. An index on (alert_id, reporter) answers each pair with one probe, however many reports
-- the alert holds; it also serves every lookup by alert_id, so it replaces the index on alert_id alone.
CREATE INDEX reports_alert_reporter ON reports (alert_id, reporter) WHERE alert_id IS NOT NULL;
DROP INDEX reports_alert_id;

-- Intake writes the ledger in batches shared by concurrent requests, so one entry must never be able to fail the
-- others. The follow-up link's foreign key could: the original of a follow-up may be a report a platform produced
-- straight to Kafka, which is in reports, not in the ledger. The link stays; the key goes.
ALTER TABLE intake_ledger DROP CONSTRAINT intake_ledger_follow_up_of_fkey;

-- Every timeline entry paid for three indexes; the primary key already serves "the newest events" (a backward scan).
DROP INDEX alert_events_recent;
