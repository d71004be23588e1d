-- The model registry: every trained model version with its held-out figures and the hash of its training data,
-- the model file itself (so that any Scoring instance can load it, whatever disk it runs on), which version is
-- current, and the history of promotions and rollbacks. Scoring polls the current version and swaps between batches.

CREATE TABLE model_versions (
    version         text PRIMARY KEY,
    trainer         text NOT NULL,
    trained_at      timestamptz NOT NULL,
    data_sha256     text NOT NULL,                 -- the training data: corpus file, plus feedback when included
    metrics         jsonb NOT NULL DEFAULT '{}',   -- figures measured when registered (validation, test split)
    path            text NOT NULL,                 -- where the registering machine keeps model.zip
    content         bytea NOT NULL,                -- model.zip itself
    content_sha256  text NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    promoted_at     timestamptz,                   -- last time it became current
    is_current      boolean NOT NULL DEFAULT false
);

-- At most one current model.
CREATE UNIQUE INDEX model_versions_one_current ON model_versions (is_current) WHERE is_current;

CREATE TABLE model_promotions (
    promotion_id     bigserial PRIMARY KEY,
    version          text NOT NULL REFERENCES model_versions (version),
    previous_version text REFERENCES model_versions (version),
    kind             text NOT NULL CHECK (kind IN ('initial', 'promote', 'rollback')),
    forced           boolean NOT NULL DEFAULT false,
    actor            text NOT NULL,
    reason           text NOT NULL,
    at               timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX model_promotions_recent ON model_promotions (promotion_id DESC);
