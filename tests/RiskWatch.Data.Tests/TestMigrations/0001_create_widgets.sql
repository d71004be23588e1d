-- Deliberately not idempotent: applying it twice fails, which is what the migration tests rely on.
CREATE TABLE widgets (
    id   int PRIMARY KEY,
    name text NOT NULL
);
