-- Tells every node's listener (LISTEN dateline) when a committed write made
-- something it waits for: a change in the log, a job, newsletter deliveries.
-- NOTIFY is delivered at commit and never for a rolled-back transaction;
-- statement-level triggers send one per statement that inserted rows (an
-- insert that met a conflict and added nothing sends none), and PostgreSQL
-- folds the same notification sent twice in one transaction into one.
create function dateline_wake() returns trigger language plpgsql as $$
begin
    if exists (select 1 from inserted) then
        perform pg_notify('dateline', tg_argv[0]);
    end if;
    return null;
end
$$;

create trigger change_log_wakes after insert on change_log
    referencing new table as inserted
    for each statement execute function dateline_wake('changes');
create trigger jobs_wake after insert on jobs
    referencing new table as inserted
    for each statement execute function dateline_wake('jobs');
create trigger newsletter_deliveries_wake after insert on newsletter_deliveries
    referencing new table as inserted
    for each statement execute function dateline_wake('deliveries');
