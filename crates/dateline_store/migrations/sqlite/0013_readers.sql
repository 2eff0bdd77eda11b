-- Reader accounts: sign-up with a password or with mailed links alone,
-- verified addresses, sessions apart from staff ones, single-use links.
-- Twin: ../postgres/0013_readers.sql.

create table readers (
    id integer primary key,
    -- Lowercased: one account per address.
    email text not null constraint readers_email_key unique,
    -- An Argon2id PHC string; null for an account that signs in by link.
    -- Set when the address is verified, from the sign-up that mailed the
    -- link: a password chosen by someone who cannot read the mailbox never
    -- opens the account.
    password_hash text,
    verified_at integer,
    created_at integer not null,
    updated_at integer not null
);

create table reader_sessions (
    token_hash text primary key,
    reader_id integer not null constraint reader_sessions_reader_fkey references readers (id) on delete cascade,
    csrf_token text not null,
    created_at integer not null,
    expires_at integer not null
);

create index reader_sessions_reader_idx on reader_sessions (reader_id);

-- Links mailed to a reader, known by the hash of their token, used once.
create table reader_links (
    token_hash text primary key,
    reader_id integer not null constraint reader_links_reader_fkey references readers (id) on delete cascade,
    purpose text not null constraint reader_links_purpose_check
        check (purpose in ('verify', 'sign-in', 'reset', 'email')),
    -- For 'email': the address the account moves to.
    new_email text,
    -- For 'verify': the password chosen at sign-up, if any.
    password_hash text,
    created_at integer not null,
    expires_at integer not null,
    used_at integer
);

create index reader_links_reader_idx on reader_links (reader_id);

-- A subscriber whose address is a verified account's is that reader's.
alter table subscribers add column reader_id integer
    constraint subscribers_reader_fkey references readers (id) on delete set null;
create unique index subscribers_reader_key on subscribers (reader_id);
