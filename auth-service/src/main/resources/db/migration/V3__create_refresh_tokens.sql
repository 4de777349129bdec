-- Refresh tokens, stored as the SHA-256 (hex) of the opaque token: a leaked table signs nobody in.
-- A family is every token descended from one login; presenting a used token again revokes its family.
CREATE TABLE refresh_tokens (
    token_hash VARCHAR(64)              NOT NULL PRIMARY KEY,
    family_id  UUID                     NOT NULL,
    user_id    UUID                     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
