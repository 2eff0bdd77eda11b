-- Page views as readers' beacons report them, per story and hour (the
-- hour's start, UTC microseconds). Nothing about a reader is kept: no
-- cookie, no address, no time finer than the hour.
create table page_views (
    article_id integer not null constraint page_views_article_fkey references articles (id) on delete cascade,
    hour integer not null,
    views integer not null,
    primary key (article_id, hour)
);
create index page_views_hour_idx on page_views (hour);
