-- Live entries are edited and withdrawn while the story unfolds. A
-- withdrawn entry keeps its row (marked) so that open reader pages can be
-- told which live blog to take it from.
alter table live_entries add column edited_at bigint;
alter table live_entries add column deleted_at bigint;
