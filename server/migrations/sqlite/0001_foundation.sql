-- Foundation schema: what every feature hangs on. Money: integer minor units + ISO currency.
-- Times: unix seconds UTC (INTEGER). Dates: 'YYYY-MM-DD' text. Flags: 0/1 integers.

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    customer_no         TEXT    NOT NULL UNIQUE,
    mobile              TEXT    NOT NULL UNIQUE,
    email               TEXT,
    name                TEXT    NOT NULL,
    tier                TEXT    NOT NULL CHECK (tier IN ('regular', 'gold', 'platinum', 'diamond')),
    birth_date          TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed')),
    ebanking_suspended  INTEGER NOT NULL DEFAULT 0 CHECK (ebanking_suspended IN (0, 1)),
    password_hash       TEXT    NOT NULL,
    preferred_locale    TEXT    NOT NULL DEFAULT 'zh-CN',
    created_at          INTEGER NOT NULL
);

CREATE TABLE accounts (
    id                       INTEGER PRIMARY KEY,
    customer_id              INTEGER NOT NULL REFERENCES customers (id),
    kind                     TEXT    NOT NULL CHECK (kind IN ('demand', 'time_deposit', 'credit_card', 'loan', 'wealth')),
    product_name             TEXT    NOT NULL,
    -- The full number is read only when the customer reveals it; lists use the masked form.
    number                   TEXT    NOT NULL UNIQUE,
    masked_number            TEXT    NOT NULL,
    currency                 TEXT    NOT NULL CHECK (length(currency) = 3),
    ledger_balance_minor     INTEGER NOT NULL DEFAULT 0,
    available_balance_minor  INTEGER NOT NULL DEFAULT 0,
    -- Credit cards: the limit; loans: the original principal.
    limit_minor              INTEGER,
    -- Annual rate in basis points (time deposits, loans).
    rate_bp                  INTEGER,
    opened_on                TEXT    NOT NULL,
    -- Time deposits: maturity; loans: final instalment.
    matures_on               TEXT,
    -- Credit cards and loans: day of month payment is due.
    due_day                  INTEGER CHECK (due_day BETWEEN 1 AND 28),
    status                   TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed', 'dormant')),
    created_at               INTEGER NOT NULL
);
CREATE INDEX accounts_by_customer ON accounts (customer_id);

CREATE TABLE transactions (
    id                   INTEGER PRIMARY KEY,
    account_id           INTEGER NOT NULL REFERENCES accounts (id),
    booked_at            INTEGER NOT NULL,
    value_date           TEXT    NOT NULL,
    -- Signed: credits positive, debits negative.
    amount_minor         INTEGER NOT NULL,
    currency             TEXT    NOT NULL CHECK (length(currency) = 3),
    balance_after_minor  INTEGER NOT NULL,
    description          TEXT    NOT NULL,
    counterparty         TEXT    NOT NULL DEFAULT '',
    category             TEXT    NOT NULL,
    reference            TEXT    NOT NULL UNIQUE
);
-- History is read newest first per account, with (booked_at, id) as the keyset.
CREATE INDEX transactions_by_account_time ON transactions (account_id, booked_at DESC, id DESC);

CREATE TABLE branches (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    district_zh     TEXT    NOT NULL,
    district_en     TEXT    NOT NULL,
    address_zh      TEXT    NOT NULL,
    address_en      TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    timezone        TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    step_free       INTEGER NOT NULL DEFAULT 0 CHECK (step_free IN (0, 1)),
    elderly_window  INTEGER NOT NULL DEFAULT 0 CHECK (elderly_window IN (0, 1)),
    counters        INTEGER NOT NULL CHECK (counters > 0),
    vip_counters    INTEGER NOT NULL DEFAULT 0 CHECK (vip_counters >= 0)
);

-- Opening hours per ISO weekday (1 = Monday); a missing weekday means closed.
CREATE TABLE branch_hours (
    branch_id  INTEGER NOT NULL REFERENCES branches (id),
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens      TEXT    NOT NULL,
    closes     TEXT    NOT NULL CHECK (closes > opens),
    PRIMARY KEY (branch_id, weekday)
);

CREATE TABLE branch_closures (
    branch_id  INTEGER NOT NULL REFERENCES branches (id),
    day        TEXT    NOT NULL,
    reason_zh  TEXT    NOT NULL,
    reason_en  TEXT    NOT NULL,
    PRIMARY KEY (branch_id, day)
);

CREATE TABLE services (
    id                INTEGER PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE,
    name_zh           TEXT    NOT NULL,
    name_en           TEXT    NOT NULL,
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes > 0),
    lead_time_hours   INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_hours >= 0),
    documents_zh      TEXT    NOT NULL DEFAULT '',
    documents_en      TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE branch_services (
    branch_id   INTEGER NOT NULL REFERENCES branches (id),
    service_id  INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (branch_id, service_id)
);

CREATE TABLE staff_users (
    id             INTEGER PRIMARY KEY,
    staff_no       TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('agent', 'branch_staff', 'supervisor')),
    branch_id      INTEGER REFERENCES branches (id),
    mobile         TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at     INTEGER NOT NULL
);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER
);
CREATE INDEX notifications_by_customer ON notifications (customer_id, created_at DESC);

-- Append-only: the triggers below refuse every UPDATE and DELETE.
CREATE TABLE audit_events (
    id                   INTEGER PRIMARY KEY,
    occurred_at          INTEGER NOT NULL,
    kind                 TEXT    NOT NULL,
    actor_kind           TEXT    NOT NULL CHECK (actor_kind IN ('customer', 'staff', 'system', 'anonymous')),
    actor_id             INTEGER,
    subject_customer_id  INTEGER REFERENCES customers (id),
    session_id           TEXT,
    client_addr          TEXT,
    user_agent           TEXT,
    detail               TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_by_subject ON audit_events (subject_customer_id, occurred_at DESC);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
