-- Editor-chosen related articles, and an index for "more like this" by tag.
-- Twin: ../sqlite/0002_related_articles.sql.

create table article_related (
    article_id bigint not null constraint article_related_article_fkey references articles (id) on delete cascade,
    related_id bigint not null constraint article_related_related_fkey references articles (id) on delete cascade,
    position bigint not null,
    constraint article_related_pkey primary key (article_id, related_id)
);

create index article_tags_tag_article_idx on article_tags (tag_id, article_id);
