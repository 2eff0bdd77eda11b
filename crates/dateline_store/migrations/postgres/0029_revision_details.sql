-- What an article's details were at each revision (JSON, in names, for
-- the revisions page); null for revisions saved before this.
alter table article_revisions add column details text;
