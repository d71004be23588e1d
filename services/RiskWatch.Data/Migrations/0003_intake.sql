-- Intake: what Ingest itself must remember. Scoring's reports table is written only after a report is scored, so
-- Ingest keeps its own ledger of acknowledged report ids (for "duplicate" answers and the informant's follow-up page),
-- the registered informants with their contact details encrypted, the platforms' signing secrets (encrypted: HMAC
-- needs the secret itself, not a hash), and the signatures seen recently (replay protection).

-- One row per report the broker acknowledged, written by Ingest after the acknowledgement.
CREATE TABLE intake_ledger (
    report_id       uuid PRIMARY KEY,
    tracking_code   text NOT NULL UNIQUE,
    channel         text NOT NULL CHECK (channel IN ('api', 'form', 'platform')),
    source          text NOT NULL,
    reporter        text NOT NULL,
    incident_key    text NOT NULL,
    follow_up_of    uuid REFERENCES intake_ledger (report_id),  -- set for information added on the follow-up page
    about           jsonb NOT NULL,                              -- location, subject, sector, category: never the text
    accepted_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX intake_ledger_follow_up_of ON intake_ledger (follow_up_of) WHERE follow_up_of IS NOT NULL;

-- Informants under a pseudonymous id. contact is AES-GCM ciphertext (version | nonce | tag | ciphertext) under a key
-- from configuration, bound to the informant id; a copy of the table reveals nobody.
CREATE TABLE informants (
    informant_id        text PRIMARY KEY,                       -- inf-xxxxxxxx, the reporter of their reports
    contact             bytea NOT NULL,
    consent_to_share    boolean NOT NULL,                       -- responders may see the contact only when true
    consent_changed_at  timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- A platform key's HMAC signing secret, encrypted like contacts and bound to the key id.
CREATE TABLE platform_signing_secrets (
    key_id      text PRIMARY KEY REFERENCES api_keys (key_id),
    secret      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Signatures of accepted platform requests within the timestamp window; a second use is a replay.
CREATE TABLE platform_signatures_seen (
    signature   bytea PRIMARY KEY,
    key_id      text NOT NULL,
    seen_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX platform_signatures_seen_at ON platform_signatures_seen (seen_at);
