-- PostgreSQL's migration of this number adds triggers that NOTIFY nodes
-- of added or changed newsletters; SQLite's write connection hooks its own
-- (wakeups.rs).
select 1;
