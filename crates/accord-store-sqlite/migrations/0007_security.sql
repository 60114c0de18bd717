-- Account security: the verified and two-factor flags of each user, one-time emailed tokens
-- (email verification, password reset), TOTP secrets and their recovery codes.

ALTER TABLE users ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;

-- Only the SHA-256 of a token is kept; using one deletes it. `purpose` is 1 (verify email)
-- or 2 (reset password); `email` is the address it was sent to.
CREATE TABLE one_time_tokens (
    token_hash TEXT    PRIMARY KEY,
    purpose    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    email      TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);

-- One row per user with TOTP enabled (users.mfa_enabled says the same, for reads of users).
-- `last_step` is the last 30-second step whose code was accepted, so no code works twice.
CREATE TABLE totp_secrets (
    user_id    INTEGER PRIMARY KEY,
    secret     TEXT    NOT NULL,
    last_step  INTEGER NOT NULL,
    enabled_ms INTEGER NOT NULL
);

-- Single-use recovery codes, by SHA-256; they go with the TOTP row that made them.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES totp_secrets (user_id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used      INTEGER NOT NULL,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;
