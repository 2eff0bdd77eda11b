-- PostgreSQL's migration of this number stops TOAST compressing the write
-- probe's padding; SQLite stores blobs as they are, so nothing changes here.
select 1;
