-- The contact point each channel goes to, kept on the borrower beside the channels that have one
-- (0032), by the same triggers on contact_points: per channel (in CHANNELS order of
-- src/strategy/core/facts.ts: sms, call, email, push, inapp, letter) the borrower's first active point
-- of the kind the channel goes through with consent for it, a primary point first, then the oldest;
-- NULL where there is none. The daily cycle reads a borrower's points from here instead of reading
-- every contact point of the borrowers of a chunk (on the benchmark's first day ~10 ms a chunk of
-- 16,000 borrowers).
ALTER TABLE borrowers ADD COLUMN contact_point_by_channel bigint[];
COMMENT ON COLUMN borrowers.contact_point_by_channel IS
  'Per channel (sms, call, email, push, inapp, letter) the contact point it goes to: the first active point of its kind with consent for it, primary first, then the oldest; NULL where none (kept by triggers on contact_points)';

-- A borrower's point per channel and the bits of the channels that have one (channels_with_point).
CREATE FUNCTION contact_points_of(borrower bigint, OUT point_by_channel bigint[], OUT channels smallint) LANGUAGE sql STABLE AS $$
  SELECT ARRAY[max(f.point) FILTER (WHERE f.n = 1), max(f.point) FILTER (WHERE f.n = 2), max(f.point) FILTER (WHERE f.n = 3),
               max(f.point) FILTER (WHERE f.n = 4), max(f.point) FILTER (WHERE f.n = 5), max(f.point) FILTER (WHERE f.n = 6)],
         COALESCE(bit_or(f.bit), 0)::smallint
  FROM (SELECT DISTINCT ON (k.n) k.n, k.bit, c.contact_point_id AS point
        FROM contact_points c
        JOIN (VALUES (1, 'sms', 'phone', 1), (2, 'call', 'phone', 2), (3, 'email', 'email', 4),
                     (4, 'push', 'device', 8), (5, 'inapp', 'device', 16), (6, 'letter', 'address', 32)) AS k(n, channel, kind, bit)
          ON k.kind = c.kind AND k.channel = ANY (c.consent)
        WHERE c.borrower_id = borrower AND c.status = 'active'
        ORDER BY k.n, c.is_primary DESC, c.contact_point_id) f
$$;

-- Per statement, over the borrowers whose points the statement touched (transition tables).
CREATE OR REPLACE FUNCTION contact_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE borrowers b SET (contact_point_by_channel, channels_with_point) = (SELECT * FROM contact_points_of(b.borrower_id))
    WHERE b.borrower_id IN (SELECT borrower_id FROM new_points);
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE borrowers b SET (contact_point_by_channel, channels_with_point) = (SELECT * FROM contact_points_of(b.borrower_id))
    WHERE b.borrower_id IN (SELECT borrower_id FROM new_points UNION SELECT borrower_id FROM old_points);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE borrowers b SET (contact_point_by_channel, channels_with_point) = (SELECT * FROM contact_points_of(b.borrower_id))
    WHERE b.borrower_id IN (SELECT borrower_id FROM old_points);
  ELSE
    UPDATE borrowers SET contact_point_by_channel = NULL, channels_with_point = 0
    WHERE channels_with_point <> 0 OR contact_point_by_channel IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;

DROP FUNCTION contact_point_channels(bigint);

UPDATE borrowers b SET (contact_point_by_channel, channels_with_point) = (SELECT * FROM contact_points_of(b.borrower_id))
WHERE EXISTS (SELECT 1 FROM contact_points c WHERE c.borrower_id = b.borrower_id);
