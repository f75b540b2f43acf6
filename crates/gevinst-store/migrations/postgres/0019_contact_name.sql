-- A potential's contact person by name (issue 12): an «Ansvarlig» or «Kontaktperson» from
-- an imported list who matches no user is kept here, so the potential can be linked to a
-- user later. NULL is none.
ALTER TABLE potentials ADD COLUMN contact_name TEXT;
