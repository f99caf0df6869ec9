-- A complex complaint's further extension (up to 30 days more, 60 in all): the handler asks,
-- with the reason the customer will be told; a supervisor other than the one who asked approves
-- it (the complaint's time_limit becomes 'approved' with its extra_days) or refuses it with a
-- reason for the handler. Asked once per complaint.
CREATE TABLE complaint_extensions (
    complaint_id  BIGINT  PRIMARY KEY REFERENCES complaints (id),
    extra_days    BIGINT  NOT NULL CHECK (extra_days BETWEEN 1 AND 30),
    reason        TEXT    NOT NULL CHECK (reason <> ''),
    requested_by  BIGINT  NOT NULL REFERENCES staff_users (id),
    requested_at  BIGINT  NOT NULL,
    -- NULL while the answer is awaited; then 1 approved or 0 refused.
    approved      BIGINT  CHECK (approved IN (0, 1)),
    answer        TEXT    NOT NULL DEFAULT '',
    answered_by   BIGINT  REFERENCES staff_users (id),
    answered_at   BIGINT
);
