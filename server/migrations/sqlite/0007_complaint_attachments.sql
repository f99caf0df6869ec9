-- Files a customer (or staff) sent with a message on a complaint: JPEG, PNG or PDF as their
-- content says (app/src/complaints/rules.rs `check_attachment`), at most 5 MB, at most 3 to a
-- message. Kept in the database, written in the same transaction as the timeline entry they
-- belong to, so a crash leaves neither a message without its files nor a file without its message.
CREATE TABLE complaint_attachments (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    event_id      INTEGER NOT NULL REFERENCES complaint_events (id),
    file_name     TEXT    NOT NULL CHECK (file_name <> ''),
    content_type  TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes    INTEGER NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
    content       BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX complaint_attachments_by_complaint ON complaint_attachments (complaint_id, id);
