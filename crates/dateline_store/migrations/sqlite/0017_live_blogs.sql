-- Live blogs: an article of kind 'live' carries timestamped entries that
-- editors add while the story unfolds.
-- Twin: ../postgres/0017_live_blogs.sql.

alter table articles add column kind text not null default 'standard'
    constraint articles_kind_check check (kind in ('standard', 'live'));

create table live_entries (
    id integer primary key,
    article_id integer not null constraint live_entries_article_fkey references articles (id) on delete cascade,
    title text,
    body_markdown text not null,
    body_html text not null,
    user_id integer constraint live_entries_user_fkey references users (id) on delete set null,
    posted_at integer not null
);

create index live_entries_article_idx on live_entries (article_id, id);
