-- Front pages as editors arrange them. Every change is a new revision of
-- the whole front, the newest in force; `front` is 0 for the home page,
-- else the section's id. `slots` is JSON, the lead first:
-- [{"article": 12, "until": <UTC microseconds> or null}, …].
create table front_revisions (
    front integer not null,
    revision integer not null,
    slots text not null,
    at integer not null,
    user_id integer constraint front_revisions_user_fkey references users (id),
    primary key (front, revision)
);
