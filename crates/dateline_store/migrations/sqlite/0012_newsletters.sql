-- Newsletters: what is offered (digests on a schedule, breaking alerts),
-- who asked for it (double opt-in), what was sent and to whom.
-- Twin: ../postgres/0012_newsletters.sql.

create table newsletters (
    id integer primary key,
    slug text not null constraint newsletters_slug_key unique,
    name text not null,
    description text not null default '',
    -- 'digest': the newest stories once a day at send_time (HH:MM in the
    -- site's time zone); 'alert': one article an editor marks breaking.
    kind text not null constraint newsletters_kind_check check (kind in ('digest', 'alert')),
    send_time text,
    max_stories integer not null default 10,
    -- Offered ticked in the sign-up box.
    by_default integer not null default 1,
    position integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);

-- The sections a newsletter draws from; none means every section.
create table newsletter_sections (
    newsletter_id integer not null constraint newsletter_sections_newsletter_fkey references newsletters (id) on delete cascade,
    section_id integer not null constraint newsletter_sections_section_fkey references sections (id) on delete cascade,
    primary key (newsletter_id, section_id)
);

create table subscribers (
    id integer primary key,
    -- Lowercased; one row per address however often it signs up.
    email text not null constraint subscribers_email_key unique,
    state text not null constraint subscribers_state_check check (state in ('pending', 'confirmed', 'unsubscribed')),
    -- The capability in every message's unsubscribe and preferences links.
    token text not null constraint subscribers_token_key unique,
    confirm_requested_at integer,
    created_at integer not null,
    confirmed_at integer,
    unsubscribed_at integer,
    updated_at integer not null
);

create index subscribers_state_idx on subscribers (state);

-- Confirmation links: known by the SHA-256 of their token; several may be
-- valid at once (a second sign-up mails a second link).
create table subscriber_confirmations (
    token_hash text primary key,
    subscriber_id integer not null constraint subscriber_confirmations_subscriber_fkey references subscribers (id) on delete cascade,
    expires_at integer not null
);

create table subscriptions (
    subscriber_id integer not null constraint subscriptions_subscriber_fkey references subscribers (id) on delete cascade,
    newsletter_id integer not null constraint subscriptions_newsletter_fkey references newsletters (id) on delete cascade,
    created_at integer not null,
    primary key (subscriber_id, newsletter_id)
);

create index subscriptions_newsletter_idx on subscriptions (newsletter_id);

-- The sections a subscriber chose; none means all that a newsletter carries.
create table subscriber_sections (
    subscriber_id integer not null constraint subscriber_sections_subscriber_fkey references subscribers (id) on delete cascade,
    section_id integer not null constraint subscriber_sections_section_fkey references sections (id) on delete cascade,
    primary key (subscriber_id, section_id)
);

-- One edition of a newsletter. The key makes each edition once: a day's
-- digest ('digest:ID:DATE'), an article's alert ('alert:ID:ARTICLE').
create table newsletter_issues (
    id integer primary key,
    newsletter_id integer not null constraint newsletter_issues_newsletter_fkey references newsletters (id) on delete cascade,
    issue_key text not null constraint newsletter_issues_issue_key_key unique,
    subject text not null,
    -- The articles, in order, as a JSON array of ids.
    articles text not null,
    created_at integer not null
);

create index newsletter_issues_newsletter_idx on newsletter_issues (newsletter_id, created_at);

-- One message: an issue to a subscriber, made when the issue is, at most
-- once (the key). A sender claims due rows with a lease; a sender that dies
-- leaves its rows to be claimed again once the lease runs out.
create table newsletter_deliveries (
    issue_id integer not null constraint newsletter_deliveries_issue_fkey references newsletter_issues (id) on delete cascade,
    subscriber_id integer not null constraint newsletter_deliveries_subscriber_fkey references subscribers (id) on delete cascade,
    attempts integer not null default 0,
    claimed_until integer,
    next_attempt_at integer not null,
    -- 'sent', 'failed' (gave up), 'skipped' (nothing in the reader's sections,
    -- or no longer subscribed); null while due.
    outcome text constraint newsletter_deliveries_outcome_check check (outcome in ('sent', 'failed', 'skipped')),
    finished_at integer,
    error text,
    primary key (issue_id, subscriber_id)
);

create index newsletter_deliveries_due_idx on newsletter_deliveries (next_attempt_at) where outcome is null;
