-- One refresh per refresh token across every API instance: the instance that
-- claims a row asks Cognito; the others wait for the answer it seals here
-- (AES-256-GCM under a key derived from the old refresh token, which only
-- its holders know), so that rotation cannot end a session that two
-- instances refreshed at once. Rows live for the reuse window only.
CREATE TABLE refresh_results (
    key           TEXT   PRIMARY KEY,
    claimed_until BIGINT NOT NULL,
    sealed        TEXT,
    refused       BIGINT NOT NULL DEFAULT 0,
    expires_at    BIGINT NOT NULL
);
