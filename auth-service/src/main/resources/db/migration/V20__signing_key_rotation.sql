-- Key rotation: a key stops signing when a newer one takes over (retired_at), stays published in the JWKS until
-- the last token it signed has expired (ACCESS_TOKEN_TTL + clock skew after retired_at), then is deleted.
-- NULL = still signing (the newest such key signs). Runs on H2 (PostgreSQL mode) and PostgreSQL alike.
ALTER TABLE signing_keys ADD COLUMN retired_at TIMESTAMP WITH TIME ZONE;
