-- An action's reason and payload are written once, when the cycle plans it, and read back whole
-- (explain, the outbox dispatcher); nothing searches inside them. As json they are kept exactly as
-- written, and the server only validates each one instead of converting it to jsonb: a fifth of the
-- cost of persisting a day's actions. The compliance verdict stays jsonb: it is one of a few shared
-- values per chunk, not a document per row.
ALTER TABLE actions ALTER COLUMN reason TYPE json USING reason::json,
                    ALTER COLUMN payload DROP DEFAULT,
                    ALTER COLUMN payload TYPE json USING payload::json,
                    ALTER COLUMN payload SET DEFAULT '{}'::json;
