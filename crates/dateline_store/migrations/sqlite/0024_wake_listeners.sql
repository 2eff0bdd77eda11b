-- PostgreSQL's migration of this number adds triggers that NOTIFY other
-- nodes of new changes, jobs and deliveries; one SQLite file has one
-- writing process, which hooks its own connection instead (wakeups.rs).
select 1;
