-- Identifiers compare byte by byte. Tracking codes, incident keys, place keys and the sender of a report are codes that
-- RiskWatch makes and matches exactly; nothing sorts them for people to read. Under a database's language collation
-- (en_US.UTF-8, and even C.UTF-8 on PostgreSQL 15) every comparison of them went through strcoll: each B-tree descent
-- of the unique tracking codes, the current-incident index and the scope indexes, for every report a batch writes and
-- every key it looks up. Collation "C" compares with memcmp: the same answers for equality, the same order as C.UTF-8,
-- and about a fifth cheaper per insert into tables indexed like these (docs/performance.md). Each ALTER rebuilds the
-- column's indexes (the table keeps its rows): on a large installation, run it in a quiet hour.
ALTER TABLE reports
    ALTER COLUMN tracking_code TYPE text COLLATE "C",
    ALTER COLUMN incident_key TYPE text COLLATE "C",
    ALTER COLUMN submitted_by TYPE text COLLATE "C";

ALTER TABLE intake_ledger
    ALTER COLUMN tracking_code TYPE text COLLATE "C",
    ALTER COLUMN incident_key TYPE text COLLATE "C",
    ALTER COLUMN submitted_by TYPE text COLLATE "C",
    ALTER COLUMN city_key TYPE text COLLATE "C",
    ALTER COLUMN district_key TYPE text COLLATE "C",
    ALTER COLUMN street_key TYPE text COLLATE "C";

ALTER TABLE alerts
    ALTER COLUMN incident_key TYPE text COLLATE "C",
    ALTER COLUMN city_key TYPE text COLLATE "C",
    ALTER COLUMN district_key TYPE text COLLATE "C",
    ALTER COLUMN street_key TYPE text COLLATE "C";

ALTER TABLE report_reviews
    ALTER COLUMN city_key TYPE text COLLATE "C",
    ALTER COLUMN district_key TYPE text COLLATE "C",
    ALTER COLUMN street_key TYPE text COLLATE "C";
