-- The channels on which a borrower has an active contact point with consent for that channel, kept on
-- the borrower by the database itself whoever writes the contact points (imports, seeds, the API, an
-- operator's SQL). The daily cycle reads it with the account facts: a step whose every action goes to
-- the borrower through channels none of which has a point plans nothing, so the account's contact
-- facts need not be loaded (a channel with a point may still be unreachable, failing again and again:
-- that the contact facts tell). A bit per channel, as CHANNEL_BIT in src/strategy/core/facts.ts
-- (a test checks both agree): sms 1, call 2, email 4, push 8, inapp 16, letter 32; each goes through
-- the kind of point CONTACT_KIND_OF_CHANNEL names.
ALTER TABLE borrowers ADD COLUMN channels_with_point smallint NOT NULL DEFAULT 0;
COMMENT ON COLUMN borrowers.channels_with_point IS
  'Channels with an active contact point that has consent for them, one bit each: sms 1, call 2, email 4, push 8, inapp 16, letter 32 (kept by triggers on contact_points)';

CREATE FUNCTION contact_point_channels(borrower bigint) RETURNS smallint LANGUAGE sql STABLE AS $$
  SELECT COALESCE(bit_or(k.bit), 0)::smallint
  FROM contact_points c
  JOIN (VALUES ('sms', 'phone', 1), ('call', 'phone', 2), ('email', 'email', 4),
               ('push', 'device', 8), ('inapp', 'device', 16), ('letter', 'address', 32)) AS k(channel, kind, bit)
    ON k.kind = c.kind AND k.channel = ANY (c.consent)
  WHERE c.borrower_id = borrower AND c.status = 'active'
$$;

-- Per statement, over the borrowers whose points the statement touched (transition tables).
CREATE FUNCTION contact_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE borrowers b SET channels_with_point = contact_point_channels(b.borrower_id)
    WHERE b.borrower_id IN (SELECT borrower_id FROM new_points);
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE borrowers b SET channels_with_point = contact_point_channels(b.borrower_id)
    WHERE b.borrower_id IN (SELECT borrower_id FROM new_points UNION SELECT borrower_id FROM old_points);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE borrowers b SET channels_with_point = contact_point_channels(b.borrower_id)
    WHERE b.borrower_id IN (SELECT borrower_id FROM old_points);
  ELSE
    UPDATE borrowers SET channels_with_point = 0 WHERE channels_with_point <> 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER contact_points_inserted AFTER INSERT ON contact_points
  REFERENCING NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION contact_points_changed();
CREATE TRIGGER contact_points_updated AFTER UPDATE ON contact_points
  REFERENCING OLD TABLE AS old_points NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION contact_points_changed();
CREATE TRIGGER contact_points_deleted AFTER DELETE ON contact_points
  REFERENCING OLD TABLE AS old_points FOR EACH STATEMENT EXECUTE FUNCTION contact_points_changed();
CREATE TRIGGER contact_points_truncated AFTER TRUNCATE ON contact_points
  FOR EACH STATEMENT EXECUTE FUNCTION contact_points_changed();

UPDATE borrowers b SET channels_with_point = contact_point_channels(b.borrower_id)
WHERE EXISTS (SELECT 1 FROM contact_points c WHERE c.borrower_id = b.borrower_id);
