-- Complaints and suggestions: the complaint, its timeline and conversation (one event table),
-- its decisions (the first and, once, a review), the pauses of its clock for an external
-- appraisal, the staff it is about (who may never handle it), and the bank's calendar of public
-- holidays and make-up working days that the deadline rule reads (app/src/complaints/rules.rs).

CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('complaint', 'suggestion')),
    category         TEXT    NOT NULL CHECK (category IN ('service_attitude', 'waiting_time', 'fees', 'deposits',
                         'cards', 'loans', 'wealth_products', 'e_banking', 'other')),
    account_id       INTEGER REFERENCES accounts (id),
    transaction_id   INTEGER REFERENCES transactions (id),
    appointment_id   INTEGER REFERENCES appointments (id),
    what_happened    TEXT    NOT NULL,
    wanted           TEXT    NOT NULL,
    contact          TEXT    NOT NULL CHECK (contact IN ('message', 'sms', 'phone')),
    status           TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'in_progress',
                         'waiting_for_customer', 'decided', 'review_requested', 'review_decided', 'closed', 'withdrawn')),
    -- standard (15 days) | complex (30) | approved (30 + extra_days, 60 at most)
    time_limit       TEXT    NOT NULL DEFAULT 'standard' CHECK (time_limit IN ('standard', 'complex', 'approved')),
    extra_days       INTEGER NOT NULL DEFAULT 0 CHECK (extra_days BETWEEN 0 AND 30),
    -- The China date the bank received it; the clock counts from the day after.
    received_on      TEXT    NOT NULL,
    handler_id       INTEGER REFERENCES staff_users (id),
    -- The same matter (customer, category, transaction or account) while a first decision is
    -- awaited: a repeat filed meanwhile meets this key and is merged into this complaint. Cleared
    -- (NULL, which UNIQUE allows many of) once decided or withdrawn.
    open_matter_key  TEXT    UNIQUE,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment   TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX complaints_by_customer ON complaints (customer_id, created_at DESC);
CREATE INDEX complaints_by_status ON complaints (status, received_on, id);

-- The timeline and the conversation: every step and every message, by the customer or staff.
-- Internal notes (internal = 1) are never shown to the customer.
CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    kind          TEXT    NOT NULL,
    by_customer   INTEGER NOT NULL CHECK (by_customer IN (0, 1)),
    staff_id      INTEGER REFERENCES staff_users (id),
    body          TEXT    NOT NULL DEFAULT '',
    internal      INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at    INTEGER NOT NULL
);
CREATE INDEX complaint_events_by_complaint ON complaint_events (complaint_id, id);

-- round: first | review. A review is decided by someone other than the first round's author.
CREATE TABLE complaint_decisions (
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    round         TEXT    NOT NULL CHECK (round IN ('first', 'review')),
    facts         TEXT    NOT NULL CHECK (facts <> ''),
    grounds       TEXT    NOT NULL CHECK (grounds <> ''),
    remedy        TEXT    NOT NULL,
    decided_by    INTEGER NOT NULL REFERENCES staff_users (id),
    decided_on    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, round)
);

CREATE TABLE complaint_reviews (
    complaint_id  INTEGER PRIMARY KEY REFERENCES complaints (id),
    reason        TEXT    NOT NULL,
    requested_on  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Days from from_day until (not including) until_day do not count; until_day NULL: under way.
CREATE TABLE complaint_pauses (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    from_day      TEXT    NOT NULL,
    until_day     TEXT,
    reason        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX complaint_pauses_by_complaint ON complaint_pauses (complaint_id);

CREATE TABLE complaint_recusals (
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    staff_id      INTEGER NOT NULL REFERENCES staff_users (id),
    PRIMARY KEY (complaint_id, staff_id)
);

-- holiday: a weekday the bank does not work; workday: a weekend day it does (调休).
CREATE TABLE bank_calendar (
    day      TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

-- The 2026 arrangement (国务院办公厅, published November 2025) and New Year's Day 2027; staff add
-- each year's as it is published.
INSERT INTO bank_calendar (day, kind, name_zh, name_en) VALUES
    ('2026-01-01', 'holiday', '元旦', 'New Year''s Day'),
    ('2026-01-02', 'holiday', '元旦', 'New Year''s Day'),
    ('2026-01-03', 'holiday', '元旦', 'New Year''s Day'),
    ('2026-02-15', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-16', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-17', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-18', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-19', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-20', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-21', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-22', 'holiday', '春节', 'Spring Festival'),
    ('2026-02-23', 'holiday', '春节', 'Spring Festival'),
    ('2026-04-04', 'holiday', '清明节', 'Qingming Festival'),
    ('2026-04-05', 'holiday', '清明节', 'Qingming Festival'),
    ('2026-04-06', 'holiday', '清明节', 'Qingming Festival'),
    ('2026-05-01', 'holiday', '劳动节', 'Labour Day'),
    ('2026-05-02', 'holiday', '劳动节', 'Labour Day'),
    ('2026-05-03', 'holiday', '劳动节', 'Labour Day'),
    ('2026-05-04', 'holiday', '劳动节', 'Labour Day'),
    ('2026-05-05', 'holiday', '劳动节', 'Labour Day'),
    ('2026-06-19', 'holiday', '端午节', 'Dragon Boat Festival'),
    ('2026-06-20', 'holiday', '端午节', 'Dragon Boat Festival'),
    ('2026-06-21', 'holiday', '端午节', 'Dragon Boat Festival'),
    ('2026-09-25', 'holiday', '中秋节', 'Mid-Autumn Festival'),
    ('2026-09-26', 'holiday', '中秋节', 'Mid-Autumn Festival'),
    ('2026-09-27', 'holiday', '中秋节', 'Mid-Autumn Festival'),
    ('2026-10-01', 'holiday', '国庆节', 'National Day'),
    ('2026-10-02', 'holiday', '国庆节', 'National Day'),
    ('2026-10-03', 'holiday', '国庆节', 'National Day'),
    ('2026-10-04', 'holiday', '国庆节', 'National Day'),
    ('2026-10-05', 'holiday', '国庆节', 'National Day'),
    ('2026-10-06', 'holiday', '国庆节', 'National Day'),
    ('2026-10-07', 'holiday', '国庆节', 'National Day'),
    ('2027-01-01', 'holiday', '元旦', 'New Year''s Day'),
    ('2026-01-04', 'workday', '元旦调休上班', 'New Year make-up working day'),
    ('2026-02-14', 'workday', '春节调休上班', 'Spring Festival make-up working day'),
    ('2026-02-28', 'workday', '春节调休上班', 'Spring Festival make-up working day'),
    ('2026-05-09', 'workday', '劳动节调休上班', 'Labour Day make-up working day'),
    ('2026-09-20', 'workday', '国庆节调休上班', 'National Day make-up working day'),
    ('2026-10-10', 'workday', '国庆节调休上班', 'National Day make-up working day');
