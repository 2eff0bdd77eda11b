-- The review queue's count on every editor's page (and the newsroom
-- list's status filter) reads articles by status.
create index articles_by_status on articles (status);
