-- Whether an alert already counts the anonymous senders (reports of a corroborating source sent without a key, all
-- together one informant at most: the policy's corroboration.anonymousCountAs). Most reports are anonymous, and each
-- scoring batch asked this of the reports table for every alert it joined, one index probe and heap fetch an alert, a
-- sixth of PostgreSQL's time in the pipeline (issue 18, docs/performance.md). Scoring keeps it with the counts it
-- writes; null means not known (alerts from before, and alerts whose reports a person moved: a merge, a split, a
-- review that promotes a report): a batch that needs it asks the reports as before, and it is true from the first
-- anonymous report that joins.
ALTER TABLE alerts ADD COLUMN anonymous_counted boolean;
