-- The editor's autosave keeps every field of the form, not only the text:
-- the rest of the form as the editor sent it (JSON; empty for copies kept
-- before this).
alter table article_autosaves add column fields text not null default '';
