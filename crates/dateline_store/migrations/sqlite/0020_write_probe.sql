-- One row that readiness checks rewrite to learn whether the node can
-- write (a full disk answers reads but refuses writes). Its padding makes
-- the probe need real pages, as a publish does.
create table write_probe (
    id integer primary key check (id = 1),
    at bigint not null,
    padding blob not null
);
