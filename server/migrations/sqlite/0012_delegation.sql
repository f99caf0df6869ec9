-- Delegated (staff-assisted) sessions: an agent asks, the customer consents with a code they read
-- out (after a supervisor's approval for diamond-tier customers and customers who are staff),
-- and the agent works in a session of the customer's, with limits, every request recorded.

-- Customers who are also employees of the bank (their sessions need a supervisor's approval).
ALTER TABLE customers ADD COLUMN is_employee INTEGER NOT NULL DEFAULT 0 CHECK (is_employee IN (0, 1));

-- A session opened for a member of staff acting in a customer's name (NULL: the person's own).
ALTER TABLE sessions ADD COLUMN acting_staff_id INTEGER REFERENCES staff_users (id);

-- Who acted in a delegated session, beside the customer named as its actor.
ALTER TABLE audit_events ADD COLUMN acting_staff_id INTEGER REFERENCES staff_users (id);

-- Records made in a delegated session name the agent who made them on the customer's behalf.
ALTER TABLE appointments ADD COLUMN assisted_by INTEGER REFERENCES staff_users (id);
ALTER TABLE appointments ADD COLUMN change_assisted_by INTEGER REFERENCES staff_users (id);
ALTER TABLE complaints ADD COLUMN assisted_by INTEGER REFERENCES staff_users (id);
ALTER TABLE complaint_events ADD COLUMN assisted_by INTEGER REFERENCES staff_users (id);

-- status: awaiting_approval → awaiting_consent → active → ended, or declined (by a supervisor),
-- refused (by the customer), cancelled (3 wrong codes), expired (code or approval not used in
-- time), withdrawn (by the agent).
CREATE TABLE delegations (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    staff_id        INTEGER NOT NULL REFERENCES staff_users (id),
    reason          TEXT    NOT NULL,
    reference       TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('awaiting_approval', 'awaiting_consent', 'active', 'ended', 'declined', 'refused', 'cancelled', 'expired', 'withdrawn')),
    requested_at    INTEGER NOT NULL,
    approved_by     INTEGER REFERENCES staff_users (id),
    decided_at      INTEGER,
    -- The consent code, kept only while it can be used (shown on the customer's portal too).
    consent_code    TEXT,
    code_sent_at    INTEGER,
    wrong_codes     INTEGER NOT NULL DEFAULT 0,
    session_id      TEXT    UNIQUE REFERENCES sessions (id),
    started_at      INTEGER,
    ended_at        INTEGER,
    -- "customer:12", "staff:7", or "system" (a limit).
    ended_by        TEXT,
    -- agent | customer | supervisor | time_limit | idle | agent_signed_out
    end_reason      TEXT
);
CREATE INDEX delegations_by_customer ON delegations (customer_id, requested_at DESC);
CREATE INDEX delegations_by_staff ON delegations (staff_id, requested_at DESC);
CREATE INDEX delegations_by_status ON delegations (status, requested_at DESC);
-- One open request or live session per customer at a time.
CREATE UNIQUE INDEX delegations_one_open ON delegations (customer_id)
    WHERE status IN ('awaiting_approval', 'awaiting_consent', 'active');
