-- Webhooks: integrations told of article events over HTTP, each request
-- signed with the webhook's secret (HMAC-SHA256), and every attempt to
-- deliver an event kept for the admin's delivery log.
-- Twin: ../postgres/0016_webhooks.sql.

create table webhooks (
    id integer primary key,
    name text not null,
    url text not null,
    -- The signing key, shared with the receiver: kept as it is, since
    -- signing needs it (shown to its admin once, when made).
    secret text not null,
    -- Space-separated: 'published updated unpublished'.
    events text not null,
    created_at integer not null
);

create table webhook_attempts (
    id integer primary key,
    webhook_id integer not null constraint webhook_attempts_webhook_fkey references webhooks (id) on delete cascade,
    -- The event's position in the change log: its id for the receiver.
    change_seq integer not null,
    event text not null,
    article_id integer not null,
    attempt integer not null,
    at integer not null,
    -- The receiver's answer; null when there was none (refused, timed out).
    status integer,
    error text,
    duration_ms integer not null
);

create index webhook_attempts_webhook_idx on webhook_attempts (webhook_id, id);
