-- PostgreSQL's migration of this number adds a trigger that NOTIFYs nodes
-- of articles added or moved along the workflow; SQLite's write connection
-- hooks its own (wakeups.rs). Both add the dashboard's indexes.
create index jobs_failed on jobs (failed_at) where failed_at is not null;
create index articles_embargoed on articles (embargo_until) where embargo_until is not null;
create index newsletter_deliveries_failed on newsletter_deliveries (finished_at) where outcome = 'failed';
