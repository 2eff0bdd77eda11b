-- Backups the scheduler made (`backup.every`): one row per attempt, for
-- the dashboard. Archives made by hand with `dateline backup` are not
-- recorded: the command's output says what it made.
create table backups (
    id integer primary key,
    -- The period it was made for: with several nodes, one backup per period.
    slot integer not null constraint backups_slot_key unique,
    path text not null,
    byte_size integer,
    articles integer,
    error text,
    started_at integer not null,
    finished_at integer not null
);
