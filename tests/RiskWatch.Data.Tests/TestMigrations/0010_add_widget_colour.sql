-- Version 10 after 2: numeric, not text, order; the function body checks that dollar-quoted semicolons survive.
ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'red';

CREATE FUNCTION widget_count() RETURNS bigint
LANGUAGE sql AS $$
    SELECT count(*) FROM widgets;
$$;
