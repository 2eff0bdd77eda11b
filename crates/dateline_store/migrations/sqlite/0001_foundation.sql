-- Dateline foundation schema (SQLite). Its twin is ../postgres/0001_foundation.sql;
-- keep them in lock-step. Instants are UTC microseconds since the Unix epoch.

create table sections (
    id integer primary key,
    slug text not null constraint sections_slug_key unique,
    name text not null,
    parent_id integer constraint sections_parent_fkey references sections (id),
    position integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);

create table people (
    id integer primary key,
    slug text not null constraint people_slug_key unique,
    name text not null,
    bio text not null default '',
    email text,
    created_at integer not null,
    updated_at integer not null
);

create table sources (
    id integer primary key,
    slug text not null constraint sources_slug_key unique,
    name text not null,
    notice text,
    full_text_in_feeds integer not null default 0,
    full_text_in_api integer not null default 0,
    full_text_in_federation integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);

create table tags (
    id integer primary key,
    slug text not null constraint tags_slug_key unique,
    name text not null
);

create table topics (
    id integer primary key,
    slug text not null constraint topics_slug_key unique,
    name text not null,
    description text not null default '',
    created_at integer not null,
    updated_at integer not null
);

create table media (
    id integer primary key,
    path text not null constraint media_path_key unique,
    content_type text not null,
    width integer not null,
    height integer not null,
    alt text not null,
    caption text not null default '',
    credit text not null default '',
    created_at integer not null
);

create table articles (
    id integer primary key,
    slug text not null,
    status text not null constraint articles_status_check
        check (status in ('draft', 'in_review', 'scheduled', 'published', 'unpublished')),
    headline text not null,
    standfirst text not null default '',
    body_markdown text not null,
    body_html text not null,
    section_id integer not null constraint articles_section_fkey references sections (id),
    source_id integer constraint articles_source_fkey references sources (id),
    edited_by_id integer constraint articles_edited_by_fkey references people (id),
    place text,
    lead_media_id integer constraint articles_lead_media_fkey references media (id),
    lead_caption text,
    lead_credit text,
    language text,
    corpus_label text,
    created_at integer not null,
    first_published_at integer,
    updated_at integer not null
);

create index articles_published_idx on articles (first_published_at desc, id desc)
    where status = 'published';
create index articles_section_published_idx on articles (section_id, first_published_at desc, id desc)
    where status = 'published';

create table article_authors (
    article_id integer not null constraint article_authors_article_fkey references articles (id) on delete cascade,
    person_id integer not null constraint article_authors_person_fkey references people (id),
    position integer not null,
    constraint article_authors_pkey primary key (article_id, person_id)
);
create index article_authors_person_idx on article_authors (person_id);

create table article_tags (
    article_id integer not null constraint article_tags_article_fkey references articles (id) on delete cascade,
    tag_id integer not null constraint article_tags_tag_fkey references tags (id),
    constraint article_tags_pkey primary key (article_id, tag_id)
);
create index article_tags_tag_idx on article_tags (tag_id);

create table article_topics (
    topic_id integer not null constraint article_topics_topic_fkey references topics (id),
    article_id integer not null constraint article_topics_article_fkey references articles (id) on delete cascade,
    position integer not null,
    constraint article_topics_pkey primary key (topic_id, article_id)
);
create index article_topics_article_idx on article_topics (article_id);

create table corrections (
    id integer primary key,
    article_id integer not null constraint corrections_article_fkey references articles (id) on delete cascade,
    kind text not null constraint corrections_kind_check check (kind in ('correction', 'update')),
    note text not null,
    created_at integer not null
);
create index corrections_article_idx on corrections (article_id);

create table pages (
    id integer primary key,
    slug text not null constraint pages_slug_key unique,
    title text not null,
    body_markdown text not null,
    body_html text not null,
    created_at integer not null,
    updated_at integer not null
);

-- The change log: one row per reader-visible write, in commit order, without
-- gaps. `change_log_head` hands out sequence numbers; its row lock (taken by
-- the UPDATE) is held until commit, so sequences are assigned in commit order
-- and a rolled-back write gives its number back.
create table change_log (
    seq integer primary key,
    entity text not null,
    entity_id integer not null,
    kind text not null,
    at integer not null
);

create table change_log_head (
    id integer primary key constraint change_log_head_single check (id = 1),
    last_seq integer not null
);
insert into change_log_head (id, last_seq) values (1, 0);

create table jobs (
    id integer primary key,
    kind text not null,
    payload text not null,
    idempotency_key text constraint jobs_idempotency_key_key unique,
    run_at integer not null,
    attempts integer not null default 0,
    max_attempts integer not null,
    claimed_until integer,
    last_error text,
    completed_at integer,
    failed_at integer,
    created_at integer not null
);
create index jobs_due_idx on jobs (run_at) where completed_at is null and failed_at is null;
