-- The outbox is a queue of actions to send, one entry per action: what to send (channel, template,
-- recipient, payload) stays on the action alone, so a cancellation or a correction is made once and
-- the daily cycle writes a narrow row per queued message.
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
ALTER TABLE outbox DROP COLUMN outbox_id;
ALTER TABLE outbox DROP COLUMN idempotency_key;
ALTER TABLE outbox DROP COLUMN party;
ALTER TABLE outbox DROP COLUMN template;
ALTER TABLE outbox DROP COLUMN contact_point_id;
ALTER TABLE outbox DROP COLUMN emergency_contact_id;
ALTER TABLE outbox DROP COLUMN payload;
ALTER TABLE outbox ADD PRIMARY KEY (borrower_id, action_id);
