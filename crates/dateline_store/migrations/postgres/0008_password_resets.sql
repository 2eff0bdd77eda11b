-- Password-reset links: known by the SHA-256 of their token, used once,
-- valid for an hour.
-- Twin: ../sqlite/0008_password_resets.sql.

create table password_resets (
    token_hash text primary key,
    user_id bigint not null constraint password_resets_user_fkey references users (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);
