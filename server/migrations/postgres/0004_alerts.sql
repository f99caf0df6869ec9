-- Alerts and messages: per-account alert settings, the customer's channels, and what makes a
-- generated message unique (so running the alert job again never sends the same alert twice).

-- Per account. A missing row means the defaults: no low-balance alert, due-date reminders 3
-- days ahead.
CREATE TABLE account_alerts (
    account_id                BIGINT PRIMARY KEY REFERENCES accounts (id),
    -- Alert when the available balance falls below this (minor units); NULL: no alert.
    low_balance_minor         BIGINT CHECK (low_balance_minor IS NULL OR low_balance_minor > 0),
    -- Card and loan due dates: remind this many days before (0: on the day only).
    due_reminder_days         BIGINT NOT NULL DEFAULT 3 CHECK (due_reminder_days BETWEEN 0 AND 30),
    -- Set when a low-balance alert went out; cleared when the balance is back at or above the
    -- threshold (or the threshold changes), so one fall gives one alert.
    low_balance_alerted_at    BIGINT,
    updated_at                BIGINT NOT NULL
);

-- How the customer wants alerts besides the Messages page. A missing row: SMS on, e-mail off.
CREATE TABLE message_preferences (
    customer_id  BIGINT PRIMARY KEY REFERENCES customers (id),
    sms          BIGINT NOT NULL CHECK (sms IN (0, 1)),
    email        BIGINT NOT NULL CHECK (email IN (0, 1)),
    updated_at   BIGINT NOT NULL
);

-- What a message is about, in a form any language can render ({"account": "...", ...}), and
-- the account it concerns.
ALTER TABLE notifications ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE notifications ADD COLUMN account_id BIGINT REFERENCES accounts (id);
-- "card_due:12:2026-12-05": one message per event, however often the alert job runs.
ALTER TABLE notifications ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (dedupe_key);
CREATE INDEX notifications_unread ON notifications (customer_id, read_at);
