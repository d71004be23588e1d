-- Issue 14, finding 5: a console session was only its cookie, valid for 8 hours whatever happened to its key; logging out
-- dropped the browser's copy and left every other copy working. Each session is a row now, checked (with a short cache)
-- on every request and by open live streams: logging out ends it, revoking its key ends all of the key's.
CREATE TABLE console_sessions (
    session_hash  bytea PRIMARY KEY,                          -- SHA-256 of the session id the cookie carries
    key_id        text NOT NULL REFERENCES api_keys (key_id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz                                 -- logged out
);

CREATE INDEX console_sessions_key ON console_sessions (key_id);
