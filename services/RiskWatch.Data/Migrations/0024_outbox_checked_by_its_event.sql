-- An outbox row announces one timeline entry of its alert. Migration 0008 checked its two references apart: its alert
-- in alerts, its event in alert_events. Checking instead that its (event, alert) pair is a timeline entry checks both
-- at once (the entry's own alert is checked when the entry is written, migration 0008) and also that the row names the
-- entry's alert. In a scoring batch the alerts lookup this saves was about a tenth of the timeline-and-outbox
-- statement: one index probe and heap fetch per row into alerts, whose pages every batch updates (issue 18,
-- docs/performance.md, stop 38). A row without an event (none is written so) has its alert checked as before.
CREATE FUNCTION check_outbox_announces_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    alert bigint;
    event bigint;
BEGIN
    SELECT n.alert_id, n.event_id INTO alert, event FROM added n
    WHERE CASE WHEN n.event_id IS NULL THEN NOT EXISTS (SELECT 1 FROM alerts a WHERE a.alert_id = n.alert_id)
               ELSE NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.event_id = n.event_id AND e.alert_id = n.alert_id)
          END
    LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('outbox row (alert_id %s, event_id %s) names no timeline entry of that alert', alert, event),
            TABLE = TG_TABLE_NAME, COLUMN = 'event_id';
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER outbox_references_exist ON outbox;
CREATE TRIGGER outbox_announces_event AFTER INSERT ON outbox REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_outbox_announces_event();
