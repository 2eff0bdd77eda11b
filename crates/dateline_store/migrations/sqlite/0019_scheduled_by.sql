-- Who scheduled an article last: when its job publishes it, a wire story
-- without an editor credits them as "Edited By", as publishing by hand
-- credits whoever publishes.
alter table articles add column scheduled_by_id integer
    constraint articles_scheduled_by_fkey references users (id);
