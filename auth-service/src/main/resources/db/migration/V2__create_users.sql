-- Accounts. email is stored normalised (trimmed, lower-case), so the unique constraint makes it unique
-- case-insensitively. password_hash is an Argon2id PHC string. Runs on H2 (PostgreSQL mode) and PostgreSQL alike.
CREATE TABLE users (
    id            UUID                     NOT NULL PRIMARY KEY,
    email         VARCHAR(254)             NOT NULL,
    -- 2..100 characters (code points), checked by the application; 200 because H2 counts UTF-16 units and a
    -- code point outside the BMP (an emoji) takes two.
    name          VARCHAR(200)             NOT NULL,
    password_hash VARCHAR(255)             NOT NULL,
    role          VARCHAR(16)              NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT users_role_known CHECK (role IN ('admin', 'user', 'viewer'))
);

CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_created_at_idx ON users (created_at);
