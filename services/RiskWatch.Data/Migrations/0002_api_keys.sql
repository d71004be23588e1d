-- API keys of informant devices, platforms, responders and admins. Only a hash of the secret is kept:
-- a leaked table does not let anyone in. Keys are revoked, never deleted, so the audit trail stays.
CREATE TABLE api_keys (
    key_id        text PRIMARY KEY,                 -- public half of the key, used to find the row
    secret_hash   bytea NOT NULL,                   -- SHA-256 of the secret half
    role          text NOT NULL CHECK (role IN ('informant', 'platform', 'responder', 'admin')),
    principal     text NOT NULL,                    -- pseudonymous id: inf-0042, plat-acme, resp-longgang-1
    city          text,                             -- jurisdiction of a responder; null = everywhere
    district      text,
    street        text,
    description   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE INDEX api_keys_principal ON api_keys (principal);
