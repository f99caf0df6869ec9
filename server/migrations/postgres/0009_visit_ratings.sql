-- Satisfaction after service: who checked a visitor in (a complaint about the visit can never be
-- handled by them), and the customer's rating of a visit staff checked in: waiting time, staff
-- attitude and how well the matter was handled, 1 to 5 each, and a comment. One rating per visit
-- (the primary key), by the visit's own customer.
ALTER TABLE appointments ADD COLUMN checked_in_by BIGINT REFERENCES staff_users (id);

CREATE TABLE visit_ratings (
    appointment_id  BIGINT  PRIMARY KEY REFERENCES appointments (id),
    customer_id     BIGINT  NOT NULL REFERENCES customers (id),
    waiting         BIGINT  NOT NULL CHECK (waiting BETWEEN 1 AND 5),
    attitude        BIGINT  NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    handling        BIGINT  NOT NULL CHECK (handling BETWEEN 1 AND 5),
    comment         TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL
);
CREATE INDEX visit_ratings_by_time ON visit_ratings (created_at);
