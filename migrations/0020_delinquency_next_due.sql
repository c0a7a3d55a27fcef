-- Delinquency: the unpaid amount of the next instalment due (pre-due reminders quote it), and room
-- on every page of account_states: the daily refresh rewrites each row, and with half of each page
-- free PostgreSQL updates in place (HOT) instead of adding a primary-key entry per row per day.
ALTER TABLE account_states ADD COLUMN next_due_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE account_states SET (fillfactor = 50);
