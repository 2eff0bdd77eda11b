-- The breaking-news strip over every reader page: the newest row whose
-- end has not come is shown. Taking it down early sets its end to then.
create table breaking_news (
    id integer primary key,
    headline text not null,
    url text not null,
    starts_at integer not null,
    ends_at integer not null,
    user_id integer constraint breaking_news_user_fkey references users (id)
);
