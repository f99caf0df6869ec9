-- Appointments: branch visits booked for a service, and the per-slot counters that keep a
-- slot from ever being overbooked (a conditional UPDATE in the booking transaction, with a
-- CHECK behind it, so concurrent bookings from any number of server instances cannot exceed it).

-- One row per (branch, service, start) once anyone books it; capacity and the VIP reservation
-- are copied from the branch then (staff may lower them to close a slot).
CREATE TABLE slot_usage (
    branch_id      INTEGER NOT NULL REFERENCES branches (id),
    service_id     INTEGER NOT NULL REFERENCES services (id),
    starts_at      INTEGER NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity >= 0),
    vip_reserved   INTEGER NOT NULL CHECK (vip_reserved >= 0),
    taken          INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    regular_taken  INTEGER NOT NULL DEFAULT 0 CHECK (regular_taken >= 0),
    CHECK (taken <= capacity),
    CHECK (regular_taken <= taken),
    PRIMARY KEY (branch_id, service_id, starts_at)
);

CREATE TABLE appointments (
    id             INTEGER PRIMARY KEY,
    reference      TEXT    NOT NULL UNIQUE,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    branch_id      INTEGER NOT NULL REFERENCES branches (id),
    service_id     INTEGER NOT NULL REFERENCES services (id),
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at),
    -- booked → cancelled | moved (to another appointment) | checked_in | no_show
    status         TEXT    NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'moved', 'checked_in', 'no_show')),
    -- Whether the place came from the regular share (1) or a VIP used it (0): what a cancellation gives back.
    regular_place  INTEGER NOT NULL CHECK (regular_place IN (0, 1)),
    created_at     INTEGER NOT NULL,
    changed_at     INTEGER,
    change_reason  TEXT,
    moved_to       INTEGER REFERENCES appointments (id)
);
CREATE INDEX appointments_by_customer ON appointments (customer_id, status, starts_at);
CREATE INDEX appointments_by_branch ON appointments (branch_id, starts_at);

-- Time a branch has closed for booking (a counter is down): no slot overlapping it is offered;
-- visits already booked in it were cancelled when it was closed, and their customers told.
CREATE TABLE slot_closures (
    id          INTEGER PRIMARY KEY,
    branch_id   INTEGER NOT NULL REFERENCES branches (id),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
    reason      TEXT    NOT NULL,
    closed_by   INTEGER NOT NULL REFERENCES staff_users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX slot_closures_by_branch ON slot_closures (branch_id, starts_at);
