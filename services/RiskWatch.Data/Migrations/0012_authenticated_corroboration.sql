-- Issue 14, finding 3: corroboration counted distinct reporter names, and anybody could send reports naming any reporter.
-- It counts the principals of the keys reports came with now (Ingest's submitted-by header, kept only when it names the
-- report's reporter), and all of an incident's reports sent without a key together as at most one (the policy's
-- corroboration.anonymousCountAs). Stored here so that a later batch knows whom an alert already counts.
ALTER TABLE reports ADD COLUMN submitted_by text;

-- Reports from before: those the ledger shows were sent with their reporter's own key.
UPDATE reports r SET submitted_by = l.submitted_by
FROM intake_ledger l
WHERE l.report_id = r.report_id AND l.submitted_by = r.reporter;

-- A batch asks, per alert it joins, whether a sender is already counted: by (alert, sender), '' for anonymous. It serves
-- every lookup by alert id too, so it replaces the index by (alert, reporter) at the same cost per stored report.
CREATE INDEX reports_alert_submitter ON reports (alert_id, (coalesce(submitted_by, ''))) WHERE alert_id IS NOT NULL;
DROP INDEX reports_alert_reporter;
