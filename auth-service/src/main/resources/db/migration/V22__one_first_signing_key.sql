-- One first key, however many instances start together on an empty table: a first start inserts its key marked
-- first_key, and the unique index refuses a second instance's first key, which then signs with the one stored.
-- Later keys (rotations) leave it NULL, which the index lets repeat. Runs on H2 (PostgreSQL mode) and PostgreSQL.
ALTER TABLE signing_keys ADD COLUMN first_key BOOLEAN;
CREATE UNIQUE INDEX signing_keys_one_first_key ON signing_keys (first_key);
