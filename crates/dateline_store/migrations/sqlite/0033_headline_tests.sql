-- Headline tests: a story's other headlines, shown on the fronts to a share
-- of readers each until one has been shown `views_needed` times in all;
-- then the best at being clicked is adopted. Variant 0 is the story's own
-- headline (`headline`, as it stood at the start); `headlines` holds the
-- others (a JSON array); `variants` counts them all.
create table headline_tests (
    article_id integer primary key constraint headline_tests_article_fkey references articles (id) on delete cascade,
    headline text not null,
    headlines text not null,
    variants integer not null,
    views_needed integer not null,
    started_at integer not null,
    started_by integer constraint headline_tests_started_by_fkey references users (id) on delete set null,
    ended_at integer,
    winner integer
);

-- How often each headline was shown on a front and clicked there.
create table headline_test_counts (
    article_id integer not null constraint headline_test_counts_article_fkey references headline_tests (article_id) on delete cascade,
    variant integer not null,
    shown integer not null,
    clicks integer not null,
    primary key (article_id, variant)
);
