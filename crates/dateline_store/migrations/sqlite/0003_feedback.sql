-- Messages readers send through the Feedback form.
-- Twin: ../postgres/0003_feedback.sql.

create table feedback (
    id integer primary key,
    name text not null,
    email text not null,
    message text not null,
    -- The same message sent twice (a double click, a resubmitted form) has
    -- the same key and is stored once.
    dedupe_key text not null constraint feedback_dedupe_key_key unique,
    created_at integer not null
);

create index feedback_created_idx on feedback (created_at);
