-- Lists of published stories newest first ("the latest", the home page's
-- top stories) and counts by status (the review queue) from one index.
-- With `articles_by_status` alone, SQLite took it for the home page's list
-- and sorted every published story to find the newest five.
create index articles_status_published_idx on articles (status, first_published_at desc, id desc);
drop index articles_by_status;
