-- Issue 14, finding 1: an incident's place is down to the street. Incident keys were city|district|subject, so a report
-- about a subject in one street joined (and was shown through) an alert opened in another street of the district; they
-- are city|district|street|subject now (IncidentKey). Alerts stored before keep their reports; their key gains the street
-- of the report that opened them, so that reports from that street go on joining them, and a report from another street
-- opens its own alert. (reports.incident_key and intake_ledger.incident_key stay as they were written: history, which no
-- query groups by.)
UPDATE alerts
SET incident_key = split_part(incident_key, '|', 1) || '|' || split_part(incident_key, '|', 2) || '|' || street_key || '|'
                   || split_part(incident_key, '|', 3)
WHERE incident_key LIKE '%|%|%' AND incident_key NOT LIKE '%|%|%|%';

-- A contact reveal checks the place of the informant's own report as well as the alert's: the place keys of every report
-- Ingest took (PlaceNames, with the policy's aliases), compared with the caller's scope like an alert's.
ALTER TABLE intake_ledger
    ADD COLUMN city_key     text,
    ADD COLUMN district_key text,
    ADD COLUMN street_key   text;

-- Rows from before: rough keys from the report's place, as migration 0004 made them for alerts. A key that does not match
-- a scope only refuses a reveal (the 404 of an unknown informant); it never shows one.
UPDATE intake_ledger SET
    city_key = lower(regexp_replace(coalesce(about->'location'->>'city', ''), '市$', '')),
    district_key = lower(regexp_replace(coalesce(about->'location'->>'district', ''), '(新区|区|县)$', '')),
    street_key = lower(regexp_replace(coalesce(about->'location'->>'street', ''), '(街道|街|镇|乡)$', ''));
