-- Imports started from the admin (`/admin/import`): the uploaded export
-- waits in the blob store under `blob_key` until its job has run; the
-- job writes its progress here as it goes, and the summary and the
-- report of every skip when it ends. `options` is JSON (dry run, fetch
-- pictures, the old site's address).
create table import_runs (
    id integer primary key,
    platform text not null constraint import_runs_platform_check
        check (platform in ('wordpress', 'ghost')),
    file_name text not null,
    blob_key text not null,
    byte_size integer not null,
    options text not null,
    -- The dry run whose upload this run imports for real: one per dry run.
    source_run integer constraint import_runs_source_run_key unique
        constraint import_runs_source_run_fkey references import_runs (id),
    state text not null constraint import_runs_state_check
        check (state in ('waiting', 'reading', 'importing', 'done', 'refused', 'failed')),
    done integer not null default 0,
    total integer not null default 0,
    summary text,
    report text,
    error text,
    started_by integer constraint import_runs_started_by_fkey references users (id) on delete set null,
    created_at integer not null,
    started_at integer,
    finished_at integer
);
