-- Documents that only RiskWatch's own serialisers write, and that are read whole, are stored as text (issue 18,
-- docs/performance.md, stop 42): each report's body and reasons (Scoring's COPY), the intake ledger's `about` (Ingest)
-- and each outbox row's payload (AlertChanges). As json, PostgreSQL checked every one of them again on the way in,
-- about a fifth of the reports' COPY and of the outbox insert, the two largest statements of a scoring batch; the
-- writers produce them with System.Text.Json, so they are JSON by construction. The few readers that look inside a body
-- (a report's text and language on a page, a follow-up's template) cast it: body::json->>'text'. Each ALTER rewrites
-- its table: on a large installation, run it in a quiet hour.
ALTER TABLE reports
    ALTER COLUMN body TYPE text,
    ALTER COLUMN reasons DROP DEFAULT,
    ALTER COLUMN reasons TYPE text,
    ALTER COLUMN reasons SET DEFAULT '[]';

ALTER TABLE intake_ledger ALTER COLUMN about TYPE text;

ALTER TABLE outbox ALTER COLUMN payload TYPE text;
