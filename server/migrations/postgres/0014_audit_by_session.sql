-- A delegated session's record (what the agent asked, did and was refused) is read from the audit
-- trail by session: without this index every read scanned the whole trail.
CREATE INDEX audit_events_by_session ON audit_events (session_id, kind);
