-- "Report a problem with this transaction": the customer's error notice, kept until the
-- complaints feature takes such reports over. One report per transaction.
CREATE TABLE transaction_reports (
    id                INTEGER PRIMARY KEY,
    reference         TEXT    NOT NULL UNIQUE,
    customer_id       INTEGER NOT NULL REFERENCES customers (id),
    account_id        INTEGER NOT NULL REFERENCES accounts (id),
    transaction_id    INTEGER NOT NULL UNIQUE REFERENCES transactions (id),
    reason            TEXT    NOT NULL CHECK (reason IN ('not_mine', 'wrong_amount', 'duplicate', 'other')),
    details           TEXT    NOT NULL,
    -- The transaction's date (China time) and the last day of the 15-day notice window.
    transaction_date  TEXT    NOT NULL,
    window_ends_on    TEXT    NOT NULL,
    -- Reported after the window: still accepted, but flagged for the bank.
    late              INTEGER NOT NULL CHECK (late IN (0, 1)),
    created_at        INTEGER NOT NULL
);
CREATE INDEX transaction_reports_by_customer ON transaction_reports (customer_id, created_at DESC);
