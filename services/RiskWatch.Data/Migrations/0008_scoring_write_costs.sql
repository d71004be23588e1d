-- What a scoring batch pays per row, cut where nothing is lost (measured on a 1,000-report batch: the per-row foreign
-- key checks were about a fifth of the server's time, index entries another fifth).

-- No query filters, joins or sorts reports by incident_key (an incident's reports are found through their alert,
-- reports_alert_reporter); the index only cost every report an entry in a third text B-tree.
DROP INDEX reports_incident_key;

-- Foreign keys from the rows a batch writes in thousands (reports, alert_events, outbox) are checked per statement
-- instead of per row. A foreign key runs one lookup query per inserted row (about 2,700 per batch); the check below
-- runs one anti-join per statement over the rows it added. Together with the rule that referenced rows are never
-- deleted nor have their ids changed (the triggers after it), it guarantees what the foreign keys did: every
-- reference names an existing row. The references from tables written a row at a time (alerts.superseded_by,
-- grade_feedback, webhook_deliveries) keep their foreign keys.
CREATE FUNCTION check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    -- TG_ARGV: triples of (column, referenced table, referenced column); the rows added are the transition table "added".
    FOR i IN 0 .. TG_NARGS / 3 - 1 LOOP
        EXECUTE format(
            'SELECT n.%1$I::text FROM added n WHERE n.%1$I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %2$I r WHERE r.%3$I = n.%1$I) LIMIT 1',
            TG_ARGV[i * 3], TG_ARGV[i * 3 + 1], TG_ARGV[i * 3 + 2]) INTO missing;
        IF missing IS NOT NULL THEN
            RAISE foreign_key_violation USING
                MESSAGE = format('%s.%s = %s is not present in %s', TG_TABLE_NAME, TG_ARGV[i * 3], missing, TG_ARGV[i * 3 + 1]),
                TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i * 3];
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: %', TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

-- Referencing side: the statement's new rows must name existing rows. Reports and timeline entries are never
-- updated by RiskWatch; should anybody do it, the same check runs on the rows as updated.
ALTER TABLE reports DROP CONSTRAINT reports_alert_fk;
CREATE TRIGGER reports_alert_exists AFTER INSERT ON reports REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_references('alert_id', 'alerts', 'alert_id');
CREATE TRIGGER reports_alert_exists_after_update AFTER UPDATE ON reports REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_references('alert_id', 'alerts', 'alert_id');

ALTER TABLE alert_events DROP CONSTRAINT alert_events_alert_id_fkey;
CREATE TRIGGER alert_events_alert_exists AFTER INSERT ON alert_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_references('alert_id', 'alerts', 'alert_id');
CREATE TRIGGER alert_events_alert_exists_after_update AFTER UPDATE ON alert_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_references('alert_id', 'alerts', 'alert_id');

-- The relay updates outbox rows (published_at) often; rather than check every such update, the references of an
-- outbox row cannot be changed at all.
ALTER TABLE outbox DROP CONSTRAINT outbox_alert_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_fkey;
CREATE TRIGGER outbox_references_exist AFTER INSERT ON outbox REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION check_references('alert_id', 'alerts', 'alert_id', 'event_id', 'alert_events', 'event_id');
CREATE TRIGGER outbox_references_fixed BEFORE UPDATE OF alert_id, event_id ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('an outbox row keeps the alert and event it was written for');

-- Referenced side: alerts are closed, never deleted, and timeline entries stay; neither changes its id. (A foreign key
-- would refuse such a change only while something references the row; every alert has its opening report and event.)
CREATE TRIGGER alerts_never_deleted BEFORE DELETE OR TRUNCATE ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('alerts are closed, never deleted');
CREATE TRIGGER alerts_id_fixed BEFORE UPDATE OF alert_id ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('an alert keeps its id');
CREATE TRIGGER alert_events_never_deleted BEFORE DELETE OR TRUNCATE ON alert_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the timeline is never rewritten');
CREATE TRIGGER alert_events_id_fixed BEFORE UPDATE OF event_id ON alert_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a timeline entry keeps its id');

-- Every report that joins an alert updates its row. With free space on the page the new version can stay there and,
-- when no indexed column changed (the usual join: counts, last report, updated_at), skip every index (a HOT update);
-- at fillfactor 100 each update moved the row and added an entry to all six of alerts' indexes. Applies to pages
-- written from now on.
ALTER TABLE alerts SET (fillfactor = 70);
