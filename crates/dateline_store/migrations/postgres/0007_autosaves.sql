-- Text the editor saved on its own while someone typed, and text a save
-- could not store because someone else saved first: one per person and
-- article, until they save or discard it.
-- Twin: ../sqlite/0007_autosaves.sql.

create table article_autosaves (
    article_id bigint not null constraint article_autosaves_article_fkey references articles (id) on delete cascade,
    user_id bigint not null constraint article_autosaves_user_fkey references users (id) on delete cascade,
    -- The revision the text was started from.
    base_revision bigint not null,
    saved_at bigint not null,
    headline text not null,
    standfirst text not null,
    body_markdown text not null,
    primary key (article_id, user_id)
);
