-- The probe's padding is zeros, which TOAST would compress to almost
-- nothing: kept out of line and uncompressed, it needs real pages.
alter table write_probe alter column padding set storage external;
