-- An account made with a one-time password (by `dateline user add` or an
-- admin) can do nothing but choose its own password until it has.
alter table users add column must_change_password integer not null default 0;
