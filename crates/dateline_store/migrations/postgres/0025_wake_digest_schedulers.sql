-- Tells every node's digest scheduler (LISTEN dateline) that a newsletter
-- was added or changed, so that a new send time is kept without polling.
-- A trigger with a transition table takes one event, hence two.
create trigger newsletters_wake_on_insert after insert on newsletters
    referencing new table as inserted
    for each statement execute function dateline_wake('newsletters');
create trigger newsletters_wake_on_update after update on newsletters
    referencing new table as inserted
    for each statement execute function dateline_wake('newsletters');
