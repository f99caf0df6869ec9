-- "Report a problem with this transaction" is a complaint about the transaction now: the report's
-- reason, the last day of the 15-day error-notice window and whether it came later (accepted, but
-- flagged for the handler) are kept on the complaint. The reports sent before move into
-- complaints (with their own reference kept, as the customer was told it), each with its
-- "submitted" step, and their table goes. Their category is the account's product, as
-- app::complaints::rules::category_of_account says; a report whose matter already has an open
-- complaint moves in without the matter key (it is not merged into it).
ALTER TABLE complaints ADD COLUMN report_reason TEXT
    CHECK (report_reason IN ('not_mine', 'wrong_amount', 'duplicate', 'other'));
ALTER TABLE complaints ADD COLUMN notice_window_ends_on TEXT;
ALTER TABLE complaints ADD COLUMN late_notice INTEGER NOT NULL DEFAULT 0 CHECK (late_notice IN (0, 1));
ALTER TABLE complaints ADD COLUMN earlier_reference TEXT;

WITH moving AS (
    SELECT r.*, CASE a.kind
            WHEN 'credit_card' THEN 'cards'
            WHEN 'loan' THEN 'loans'
            WHEN 'wealth' THEN 'wealth_products'
            ELSE 'deposits'
        END AS category
    FROM transaction_reports r JOIN accounts a ON a.id = r.account_id
)
INSERT INTO complaints (customer_id, kind, category, account_id, transaction_id, what_happened, wanted, contact,
    status, received_on, open_matter_key, report_reason, notice_window_ends_on, late_notice, earlier_reference,
    created_at, updated_at)
SELECT m.customer_id, 'complaint', m.category, m.account_id, m.transaction_id, m.details, '', 'message',
    'submitted', date(m.created_at + 28800, 'unixepoch'),
    CASE WHEN EXISTS (SELECT 1 FROM complaints c WHERE c.open_matter_key =
            CAST(m.customer_id AS TEXT) || ':' || m.category || ':t' || CAST(m.transaction_id AS TEXT))
        THEN NULL
        ELSE CAST(m.customer_id AS TEXT) || ':' || m.category || ':t' || CAST(m.transaction_id AS TEXT)
    END,
    m.reason, m.window_ends_on, m.late, m.reference, m.created_at, m.created_at
FROM moving m ORDER BY m.id;

INSERT INTO complaint_events (complaint_id, kind, by_customer, staff_id, body, internal, created_at)
SELECT id, 'submitted', 1, NULL, '', 0, created_at FROM complaints WHERE earlier_reference IS NOT NULL;

DROP TABLE transaction_reports;
