-- The RS256 key pairs auth-service signs tokens with; their public halves are published as the JWKS.
-- Keys are generated on first start, so none ever lives in the repository. Runs on H2 (PostgreSQL mode)
-- and PostgreSQL alike.
CREATE TABLE signing_keys (
    kid         VARCHAR(64)              NOT NULL PRIMARY KEY, -- RFC 7638 JWK thumbprint, SHA-256, base64url
    algorithm   VARCHAR(16)              NOT NULL,
    private_jwk TEXT                     NOT NULL,             -- the whole key pair as a JWK (RFC 7517)
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
