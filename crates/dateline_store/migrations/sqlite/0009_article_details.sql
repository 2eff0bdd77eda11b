-- What search engines and social cards show of an article when it should
-- differ from the headline and standfirst. Twin: ../postgres/0009_article_details.sql.

alter table articles add column seo_title text;
alter table articles add column seo_description text;

-- The newsroom's list is newest-changed first.
create index articles_updated_idx on articles (updated_at desc, id desc);
