-- The review queue (numbered from 0020 so that it never clashes with migrations made alongside it from 0010 up).
-- A report graded none opens no alert, so nobody would ever read it: Scoring queues each one here, in the transaction
-- that stores it, with its place as keys (PlaceKey) so that responders of that place see it within their jurisdiction.
-- A responder dismisses it (not a labour-relations risk) or promotes it to an alert of a grade they choose; a promotion
-- is also a correction for the model, stored in grade_feedback like a regrade.
CREATE TABLE report_reviews (
    report_id       uuid PRIMARY KEY REFERENCES reports (report_id),
    city_key        text NOT NULL,
    district_key    text NOT NULL,
    street_key      text NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    decision        text CHECK (decision IN ('dismissed', 'promoted')),
    decided_by      text,
    decided_at      timestamptz,
    reason          text,
    grade           text CHECK (grade IN ('blue', 'yellow', 'orange', 'red')),  -- the grade a promotion gave
    alert_id        bigint REFERENCES alerts (alert_id),                          -- the alert a promotion opened or joined
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);

-- What the console lists: the undecided ones of a place, oldest first.
CREATE INDEX report_reviews_waiting ON report_reviews (city_key, district_key, street_key, queued_at) WHERE decision IS NULL;

-- Reports graded none before this migration join the queue with place keys made the way migration 0004 made the
-- alerts' (close to PlaceKey for the usual Chinese spellings; a responder of an oddly spelt place sees them as admin).
INSERT INTO report_reviews (report_id, city_key, district_key, street_key, queued_at)
SELECT report_id,
       lower(regexp_replace(city, '市$', '')),
       lower(regexp_replace(coalesce(district, ''), '(新区|区|县)$', '')),
       lower(regexp_replace(coalesce(street, ''), '(街道|街|镇|乡)$', '')),
       received_at
FROM reports
WHERE grade = 'none' AND alert_id IS NULL;
