-- Staff accounts and their sign-in sessions; who created each article.
-- Twin: ../postgres/0005_staff.sql.

create table users (
    id integer primary key,
    email text not null,
    -- The address lowercased: one account per address, however it is typed.
    email_key text not null constraint users_email_key unique,
    name text not null,
    role text not null constraint users_role_check
        check (role in ('contributor', 'author', 'editor', 'admin')),
    -- An Argon2id PHC string; null until the person sets a password.
    password_hash text,
    created_at integer not null,
    password_changed_at integer not null,
    disabled_at integer
);

-- A session is known by the SHA-256 of its cookie's token, so that a copy
-- of the database does not hand out signed-in sessions.
create table sessions (
    token_hash text primary key,
    user_id integer not null constraint sessions_user_fkey references users (id) on delete cascade,
    -- Forms of this session carry it; a state change without it is refused.
    csrf_token text not null,
    created_at integer not null,
    expires_at integer not null
);

create index sessions_user_idx on sessions (user_id);

alter table articles add column created_by integer constraint articles_created_by_fkey references users (id);
