-- Issue 14, finding 7: an alert's opened_at was the occurredAt of its first report, and deadlines recounted from it (a
-- regrade) were already missed for a late report about last month. opened_at is when RiskWatch received that report now.
-- Alerts still open take the receipt of their first stored report where it is later than what they have.
UPDATE alerts a SET opened_at = r.first_received
FROM (SELECT alert_id, min(received_at) AS first_received FROM reports WHERE alert_id IS NOT NULL GROUP BY alert_id) r
WHERE r.alert_id = a.alert_id AND a.status <> 'closed' AND r.first_received > a.opened_at;
