-- Password-reset links: known by the SHA-256 of their token, used once,
-- valid for an hour.
-- Twin: ../postgres/0008_password_resets.sql.

create table password_resets (
    token_hash text primary key,
    user_id integer not null constraint password_resets_user_fkey references users (id) on delete cascade,
    created_at integer not null,
    expires_at integer not null,
    used_at integer
);
