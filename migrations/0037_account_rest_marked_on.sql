-- The day each mark was made. Accounts with events in the look-back now rest too: the look-ahead
-- (core/rest.ts) lets each event leave the look-back with time. Events written after the mark end it
-- (the triggers of 0035); an event dated after the day of the mark was not in the facts the look-ahead
-- read, so once it is in the look-back the mark no longer holds and the cycle evaluates the account
-- (cycle/account-rest.ts). Marks made before this column existed hold only while the account has no
-- event in the look-back, as before.
ALTER TABLE account_rest ADD COLUMN marked_on date;
