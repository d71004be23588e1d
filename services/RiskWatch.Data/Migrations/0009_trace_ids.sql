-- The W3C trace id of the request that brought each report in (carried in the Kafka message's traceparent header), so
-- an operator can follow one report from its 202 at intake to the alert it opened or joined. Null for reports produced
-- straight to Kafka without trace context.
ALTER TABLE reports ADD COLUMN trace_id text;
