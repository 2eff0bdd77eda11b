-- A topic's picture, shown at the top of its page.
-- Twin: ../sqlite/0004_topic_image.sql.

alter table topics add column image_media_id bigint constraint topics_image_fkey references media (id);
