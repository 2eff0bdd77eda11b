-- What search engines and social cards show of an article when it should
-- differ from the headline and standfirst. Twin: ../sqlite/0009_article_seo.sql.

alter table articles add column seo_title text;
alter table articles add column seo_description text;
