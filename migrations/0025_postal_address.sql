-- A postal address is a contact point too: letters (escalation notices, a lawyer's letter) go there,
-- with the borrower's consent to the letter channel like any other channel.
ALTER TABLE contact_points DROP CONSTRAINT contact_points_kind_check;
ALTER TABLE contact_points ADD CONSTRAINT contact_points_kind_check CHECK (kind IN ('phone', 'email', 'device', 'address'));
