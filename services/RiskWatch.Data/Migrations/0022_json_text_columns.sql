-- Documents that are written once, read whole and never searched are stored as json (their text, checked) rather than
-- jsonb (parsed into a binary tree whose keys are sorted): each report's body and reasons, the intake ledger's `about`
-- of each accepted report, and each outbox row's payload. Nothing queries inside them but a report's text and language
-- for a page and a follow-up's template (-> and ->> work on json alike); the payload and `about` are read as text. In a
-- scoring batch, building the payloads as jsonb rather than json cost a fifth of the timeline-and-outbox statement, and
-- parsing the bodies and reasons a sixth of the reports' insert (issue 18, docs/performance.md). Each ALTER rewrites its
-- table: on a large installation, run it in a quiet hour.
ALTER TABLE reports
    ALTER COLUMN body TYPE json USING body::json,
    ALTER COLUMN reasons DROP DEFAULT,
    ALTER COLUMN reasons TYPE json USING reasons::json,
    ALTER COLUMN reasons SET DEFAULT '[]'::json;

ALTER TABLE intake_ledger ALTER COLUMN about TYPE json USING about::json;

ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json;
