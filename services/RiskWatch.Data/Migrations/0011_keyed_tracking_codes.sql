-- Issue 14, finding 2: tracking codes are derived with a server secret (HMAC-SHA256, TrackingCode version 2); version 1
-- was SHA-256 of the report id, which anyone holding an id (alerts, console, webhooks, the alerts topic) could compute.
-- Each code Ingest gives out is stored with its version, so codes given out before keep working (until an operator turns
-- version 1 off with Security:AcceptUnkeyedTrackingCodes=false), and rotating the secret changes only new codes.
ALTER TABLE intake_ledger ADD COLUMN tracking_code_version smallint NOT NULL DEFAULT 1;
ALTER TABLE intake_ledger ALTER COLUMN tracking_code_version DROP DEFAULT;

-- Scoring wrote the version-1 code of every report it stored. A keyed code needs the secret, which only Ingest holds, and a
-- report produced straight to Kafka never had a receipt: from now on Scoring writes none (the ledger has Ingest's). The
-- codes of reports stored before stay, for the follow-up page of reports that never went through Ingest's ledger.
ALTER TABLE reports ALTER COLUMN tracking_code DROP NOT NULL;
