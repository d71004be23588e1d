-- The audit log of informant contacts: every time somebody asks to see an informant's contact details, who asked
-- (principal, role, key), through which channel, for which informant and alert, why, and what they got. Refusals are
-- recorded too (no consent; no such informant in an alert of the caller's jurisdiction), so probing shows up. The
-- contact itself is never written here.
CREATE TABLE contact_reveals (
    reveal_id       bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    principal       text NOT NULL,                          -- the key's principal, or user@host for the command line
    role            text NOT NULL CHECK (role IN ('responder', 'admin', 'operator')),
    key_id          text,                                   -- the API key used; null for the command line
    channel         text NOT NULL CHECK (channel IN ('api', 'cli')),
    informant_id    text NOT NULL,                          -- as asked for: it may not exist
    alert_id        bigint,                                 -- as asked for; null only from the command line
    reason          text NOT NULL CHECK (length(btrim(reason)) > 0),
    outcome         text NOT NULL CHECK (outcome IN ('revealed', 'no_consent', 'not_found'))
);

CREATE INDEX contact_reveals_informant ON contact_reveals (informant_id, at);
CREATE INDEX contact_reveals_at ON contact_reveals (at);

-- An audit log that can be edited proves nothing: rows are only ever added.
CREATE FUNCTION contact_reveals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'contact_reveals is an audit log: its rows are never changed or deleted';
END
$$;

CREATE TRIGGER contact_reveals_append_only BEFORE UPDATE OR DELETE ON contact_reveals
    FOR EACH ROW EXECUTE FUNCTION contact_reveals_append_only();

-- Who sent each report: the principal of the key it came with, null without one. Anybody may send a report that names
-- an informant as its reporter; only a report sent with that informant's own key lets a responder reveal them.
ALTER TABLE intake_ledger ADD COLUMN submitted_by text;
