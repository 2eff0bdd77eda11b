-- The wire desk: agency documents as they arrived, and the items read from
-- them, versioned per (source, guid) and grouped into near-duplicate
-- clusters by their MinHash signatures (banded in memory: see the store's
-- wire/index.rs).
-- Twin: ../postgres/0018_wire_desk.sql.

create table wire_documents (
    id integer primary key,
    source_id integer not null constraint wire_documents_source_fkey references sources (id) on delete cascade,
    -- The same bytes from the same source are one document, received once.
    sha256 text not null,
    -- Where it came from: a file name or an address.
    name text not null,
    body blob not null,
    received_at integer not null,
    constraint wire_documents_sha256_key unique (source_id, sha256)
);

create table wire_items (
    id integer primary key,
    source_id integer not null constraint wire_items_source_fkey references sources (id) on delete cascade,
    document_id integer not null constraint wire_items_document_fkey references wire_documents (id) on delete cascade,
    guid text not null,
    version integer not null,
    format text not null,
    kind text not null,
    headline text not null,
    -- As the agency marked it up: sanitised wherever it is shown.
    body_html text not null,
    byline text,
    dateline text,
    -- JSON: [{"code", "name"}].
    subjects text not null,
    urgency integer,
    language text,
    embargo_until integer,
    version_created integer,
    first_created integer,
    pub_status text not null,
    -- JSON: [{"uri", "caption", "credit"}].
    pictures text not null,
    provider text,
    copyright text,
    usage_terms text,
    -- JSON: what was tolerated while reading.
    notes text not null,
    state text not null default 'new'
        constraint wire_items_state_check check (state in ('new', 'used', 'ignored')),
    -- The newest version of the same guid, once there is a newer one.
    superseded_by integer constraint wire_items_superseded_fkey references wire_items (id) on delete set null,
    -- The item that leads the cluster; null when it leads its own.
    cluster_id integer constraint wire_items_cluster_fkey references wire_items (id) on delete set null,
    -- The MinHash signature (256 bytes); null for items too short to have one.
    signature blob,
    received_at integer not null,
    constraint wire_items_version_key unique (source_id, guid, version)
);

create index wire_items_received_idx on wire_items (received_at, id);
create index wire_items_cluster_idx on wire_items (cluster_id);

-- Where the desk works: the current items, newest first.
create index wire_items_current_idx on wire_items (id) where superseded_by is null;

-- How a source's copy arrives besides the command line: pushed over HTTP
-- with a token (kept as its SHA-256), or a feed polled every so many
-- minutes with conditional GETs (the validators it last answered with).
alter table sources add column push_token_hash text;
alter table sources add column feed_url text;
alter table sources add column poll_minutes integer;
alter table sources add column feed_etag text;
alter table sources add column feed_last_modified text;
alter table sources add column feed_checked_at integer;
alter table sources add column feed_status text;

-- The wire item an article was made from ("Use this story").
alter table articles add column wire_item_id integer
    constraint articles_wire_item_fkey references wire_items (id) on delete set null;

-- A staff member's byline, made the first time they are credited (as the
-- editor who published a wire story).
alter table users add column person_id integer
    constraint users_person_fkey references people (id) on delete set null;
