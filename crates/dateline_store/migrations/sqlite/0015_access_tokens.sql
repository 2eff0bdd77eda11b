-- Personal access tokens for the admin API: each belongs to a staff member,
-- acts with their role narrowed to its scopes, is known by the SHA-256 of
-- its secret (shown once, when it is made) and can be revoked.
-- Twin: ../postgres/0015_access_tokens.sql.

create table access_tokens (
    id integer primary key,
    user_id integer not null constraint access_tokens_user_fkey references users (id) on delete cascade,
    name text not null,
    token_hash text not null constraint access_tokens_token_hash_key unique,
    -- The secret's first characters, so that its owner can tell tokens apart.
    prefix text not null,
    -- Space-separated, e.g. 'articles:write media:write'.
    scopes text not null,
    created_at integer not null,
    expires_at integer,
    -- Recorded at most once a minute, not on every request.
    last_used_at integer,
    revoked_at integer
);

create index access_tokens_user_idx on access_tokens (user_id);
