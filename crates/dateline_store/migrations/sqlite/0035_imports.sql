-- Sites moved in (`dateline import`). Each thing an old site had (a post,
-- an author, a category, a picture) is remembered by the site, its kind and
-- its id there, with the Dateline row it became and a digest of what it was
-- made from: a re-run updates what changed, skips the rest, and an
-- interrupted run goes on where it stopped.
create table import_keys (
    origin text not null,
    kind text not null,
    key text not null,
    entity_id integer not null,
    digest text not null,
    imported_at integer not null,
    constraint import_keys_pkey primary key (origin, kind, key)
);

-- The old site's addresses, each answered with a 301 to where the thing
-- lives now (looked up when the address is asked for, so a later rename
-- still takes one hop). `path` is percent-decoded, without a trailing
-- slash; query-string addresses keep their one parameter (`/?p=12`).
create table redirects (
    path text primary key,
    target_kind text not null constraint redirects_target_kind_check
        check (target_kind in ('article', 'page', 'section', 'tag', 'person', 'media',
                               'feed', 'section_feed', 'tag_feed')),
    target_id integer,
    created_at integer not null
);

-- Readers' comments from an old site, kept for the comments feature (not
-- shown yet). `parent_key` is the old site's id of the comment answered.
create table held_comments (
    id integer primary key,
    article_id integer not null constraint held_comments_article_fkey references articles (id) on delete cascade,
    origin text not null,
    key text not null,
    parent_key text,
    author_name text not null,
    author_email text,
    author_url text,
    body text not null,
    state text not null,
    kind text not null,
    posted_at integer,
    constraint held_comments_key unique (origin, key)
);
create index held_comments_article_idx on held_comments (article_id);
