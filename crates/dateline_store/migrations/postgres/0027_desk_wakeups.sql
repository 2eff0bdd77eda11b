-- Tells every node's newsroom (LISTEN dateline) that an article was added
-- or moved along the workflow, so that the review queue's count on
-- editors' pages follows within a second without polling. A status set to
-- what it was wakes it too: a spare count, never a missed one.
create function dateline_wake_always() returns trigger language plpgsql as $$
begin
    perform pg_notify('dateline', tg_argv[0]);
    return null;
end
$$;

create trigger articles_wake_desk after insert or update of status on articles
    for each statement execute function dateline_wake_always('desk');

-- The dashboard's "failed jobs" and "embargoes lifting soon" read only the
-- few rows these hold.
create index jobs_failed on jobs (failed_at) where failed_at is not null;
create index articles_embargoed on articles (embargo_until) where embargo_until is not null;
create index newsletter_deliveries_failed on newsletter_deliveries (finished_at) where outcome = 'failed';
