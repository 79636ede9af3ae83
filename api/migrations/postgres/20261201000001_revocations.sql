-- Signed-out sessions, by a session's origin_jti (`o:…`) or a refresh token's
-- SHA-256 (`r:…`), until they could no longer be used anyway.
CREATE TABLE revoked_sessions (
    key        TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Users signed out everywhere (or disabled, or deleted): their access tokens
-- issued before revoked_at are refused until none of them can still be valid.
CREATE TABLE revoked_users (
    sub        TEXT   PRIMARY KEY,
    revoked_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
