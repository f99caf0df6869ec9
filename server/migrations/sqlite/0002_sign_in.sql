-- Sign-in: failure counters and locks, one-time codes, server-side sessions, refresh tokens.
-- Times are unix seconds (UTC).

-- Consecutive wrong passwords and the lock they lead to, keyed by who was tried: the principal
-- ('customer:1') when the login ID exists, else 'unknown:<login id>', so unknown IDs behave the
-- same and reveal nothing.
CREATE TABLE sign_in_throttle (
    throttle_key  TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    updated_at    INTEGER NOT NULL
);

-- One-time codes. The id is the challenge handed to the browser; only a keyed hash of the code
-- is stored.
CREATE TABLE one_time_codes (
    id             TEXT    PRIMARY KEY,
    principal      TEXT    NOT NULL,
    purpose        TEXT    NOT NULL CHECK (purpose IN ('sign_in', 'password_reset', 'password_change', 'reveal_number', 'delegation_consent')),
    code_hash      TEXT    NOT NULL,
    sent_at        INTEGER NOT NULL,
    wrong_entries  INTEGER NOT NULL DEFAULT 0,
    used_at        INTEGER
);
CREATE INDEX one_time_codes_by_principal ON one_time_codes (principal, purpose, sent_at);

CREATE TABLE sessions (
    id              TEXT    PRIMARY KEY,
    principal       TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('customer', 'agent', 'branch_staff', 'supervisor')),
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    -- The absolute end, whatever the activity.
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    revoked_reason  TEXT,
    client_addr     TEXT,
    user_agent      TEXT
);
CREATE INDEX sessions_by_principal ON sessions (principal, created_at DESC);

-- Opaque refresh tokens, stored only as SHA-256 hashes; each is used once (rotation).
CREATE TABLE refresh_tokens (
    token_hash  TEXT    PRIMARY KEY,
    session_id  TEXT    NOT NULL REFERENCES sessions (id),
    issued_at   INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
