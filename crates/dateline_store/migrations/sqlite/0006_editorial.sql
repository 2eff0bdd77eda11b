-- The editorial workflow: revisions with a number for optimistic
-- concurrency, scheduling and embargoes, and the audit log.
-- Twin: ../postgres/0006_editorial.sql.

-- The number of the article's current revision: a save names the revision
-- it started from, and is refused if another save came first.
alter table articles add column revision integer not null default 1;
-- When a scheduled article goes out (set only while it is scheduled).
alter table articles add column scheduled_at integer;
-- Before this instant the article cannot be published, by anyone.
alter table articles add column embargo_until integer;

-- Every save of an article's text: who, when, what.
create table article_revisions (
    article_id integer not null constraint article_revisions_article_fkey references articles (id) on delete cascade,
    number integer not null,
    -- Null for text that came from the system (imports, the demo).
    user_id integer constraint article_revisions_user_fkey references users (id),
    created_at integer not null,
    headline text not null,
    standfirst text not null,
    body_markdown text not null,
    primary key (article_id, number)
);

-- The text articles had before revisions were kept is their first revision.
insert into article_revisions (article_id, number, user_id, created_at, headline, standfirst, body_markdown)
    select id, 1, null, created_at, headline, standfirst, body_markdown from articles;

-- Who did what to which article.
create table audit_log (
    id integer primary key,
    at integer not null,
    -- Null for the system (a scheduled publication).
    user_id integer constraint audit_log_user_fkey references users (id),
    article_id integer constraint audit_log_article_fkey references articles (id) on delete cascade,
    action text not null,
    detail text not null default ''
);

create index audit_log_article_idx on audit_log (article_id, id);
