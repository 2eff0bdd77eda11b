-- Uploaded pictures: the original is kept in the blob store under
-- `original_key` (never served: it may carry GPS data), found again by the
-- SHA-256 of its bytes; `renditions` (JSON) is written by the renditions
-- job. Pictures loaded with the demo have neither and are served from
-- `path`. Twin: ../sqlite/0010_uploads.sql.

alter table media add column sha256 text;
alter table media add column original_key text;
alter table media add column byte_size bigint;
alter table media add column focal_x double precision not null default 0.5;
alter table media add column focal_y double precision not null default 0.5;
alter table media add column renditions text;
create unique index media_sha256_key on media (sha256) where sha256 is not null;
create index media_created_idx on media (created_at desc, id desc);
