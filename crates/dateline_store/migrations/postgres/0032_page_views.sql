-- Page views as readers' beacons report them, per story and hour (the
-- hour's start, UTC microseconds). Nothing about a reader is kept: no
-- cookie, no address, no time finer than the hour.
create table page_views (
    article_id bigint not null constraint page_views_article_fkey references articles (id) on delete cascade,
    hour bigint not null,
    views bigint not null,
    primary key (article_id, hour)
);
create index page_views_hour_idx on page_views (hour);
