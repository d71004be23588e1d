-- What each stored report still paid for nothing (issue 18, docs/performance.md, stop 41).

-- Scoring has written no tracking code since migration 0011 (Ingest's ledger holds the keyed codes), yet the unique
-- constraint's index took an entry for every report it stored: millions of NULLs nobody looks up. Codes are looked up by
-- equality only, which the partial index answers as the full one did.
CREATE UNIQUE INDEX reports_tracking_code ON reports (tracking_code) WHERE tracking_code IS NOT NULL;
ALTER TABLE reports DROP CONSTRAINT reports_tracking_code_key;
