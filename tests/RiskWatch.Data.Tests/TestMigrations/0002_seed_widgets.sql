INSERT INTO widgets (id, name) VALUES (1, 'anchor'), (2, 'beacon');
