-- How far each durable consumer of the change log (WebSub pings; the
-- search index later) has got, so that a restart resumes where it stopped
-- instead of replaying the log or skipping what changed while it was down.
-- Twin: ../postgres/0011_consumer_positions.sql.

create table consumer_positions (
    name text primary key,
    seq bigint not null
);
