//! The complaints SQL. A complaint waiting for its first decision holds its matter's key
//! (`open_matter_key`, UNIQUE): a repeat filed meanwhile meets it in the same INSERT and is merged
//! into the open complaint, so concurrent filings from any number of server instances never open
//! two. Every step re-reads the complaint, asks `rules::next_status`, and changes it only if its
//! status is still the one the rules saw. Every query about a customer's complaints names the
//! customer.

use super::files::{self, FileKind, FileView};
use super::rules::{self, Actor, BankCalendar, Case, Matter, Pause, Refusal, Status, Step, TimeLimit};
use super::{Action, ComplaintDetail, ComplaintSummary, DecisionView, Filed, TimelineEntry};
use crate::error::AppError;
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use sqlx::AnyPool;

/// The public holidays and make-up working days the deadline rule reads.
pub async fn calendar(pool: &AnyPool) -> Result<BankCalendar, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT day, kind FROM bank_calendar").fetch_all(pool).await?;
    let mut calendar = BankCalendar::default();
    for (day, kind) in rows {
        let Ok(day) = day.parse::<NaiveDate>() else { continue };
        if kind == "workday" {
            calendar.workdays.insert(day);
        } else {
            calendar.holidays.insert(day);
        }
    }
    Ok(calendar)
}

/// What the customer sends (already checked by `rules::check_filing`).
pub struct NewComplaint<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub category: &'a str,
    pub account_id: Option<i64>,
    pub transaction_id: Option<i64>,
    pub appointment_id: Option<i64>,
    /// Sent as a transaction's error notice ("report a problem").
    pub notice: Option<super::ErrorNotice>,
    pub what_happened: &'a str,
    pub wanted: &'a str,
    pub contact: &'a str,
}

pub(crate) fn reference_of(id: i64, received_on: &str) -> String {
    let year = received_on.parse::<NaiveDate>().map(|d| d.year()).unwrap_or_default();
    rules::reference(year, id)
}

/// Files a complaint, or merges it into the customer's open complaint on the same matter.
/// `None` when a linked account, transaction or visit is not the customer's (a transaction needs
/// its account). Whoever checked the customer in for a linked visit is recused from it, in the
/// same transaction.
pub async fn file(
    pool: &AnyPool,
    c: &NewComplaint<'_>,
    files: &[Upload],
    today: NaiveDate,
    now: i64,
) -> Result<Option<Filed>, sqlx::Error> {
    if let Some(account_id) = c.account_id {
        let own: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1 AND customer_id = $2")
            .bind(account_id)
            .bind(c.customer_id)
            .fetch_optional(pool)
            .await?;
        if own.is_none() {
            return Ok(None);
        }
    }
    if let Some(transaction_id) = c.transaction_id {
        let Some(account_id) = c.account_id else { return Ok(None) };
        let own: Option<i64> = sqlx::query_scalar(
            "SELECT t.id FROM transactions t JOIN accounts a ON a.id = t.account_id \
             WHERE t.id = $1 AND a.id = $2 AND a.customer_id = $3",
        )
        .bind(transaction_id)
        .bind(account_id)
        .bind(c.customer_id)
        .fetch_optional(pool)
        .await?;
        if own.is_none() {
            return Ok(None);
        }
    }
    // The visit's customer, and who checked them in.
    let mut visit_staff = None;
    if let Some(appointment_id) = c.appointment_id {
        let own: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, checked_in_by FROM appointments WHERE id = $1 AND customer_id = $2")
                .bind(appointment_id)
                .bind(c.customer_id)
                .fetch_optional(pool)
                .await?;
        let Some((_, checked_in_by)) = own else { return Ok(None) };
        visit_staff = checked_in_by;
    }
    let key = rules::matter_key(&Matter {
        customer_id: c.customer_id,
        category: c.category,
        account_id: c.account_id,
        transaction_id: c.transaction_id,
        appointment_id: c.appointment_id,
    });
    let mut tx = pool.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO complaints (customer_id, kind, category, account_id, transaction_id, appointment_id, \
         what_happened, wanted, contact, received_on, open_matter_key, report_reason, notice_window_ends_on, \
         late_notice, created_at, updated_at, assisted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) \
         ON CONFLICT (open_matter_key) DO NOTHING RETURNING id",
    )
    .bind(c.customer_id)
    .bind(c.kind)
    .bind(c.category)
    .bind(c.account_id)
    .bind(c.transaction_id)
    .bind(c.appointment_id)
    .bind(c.what_happened)
    .bind(c.wanted)
    .bind(c.contact)
    .bind(today.to_string())
    .bind(key.as_deref())
    .bind(c.notice.as_ref().map(|n| n.reason.as_str()))
    .bind(c.notice.as_ref().map(|n| n.window_ends_on.to_string()))
    .bind(i64::from(c.notice.as_ref().is_some_and(|n| n.late)))
    .bind(now)
    .bind(crate::audit::acting_staff())
    .fetch_optional(&mut *tx)
    .await?;
    let (id, received_on, merged) = match inserted {
        Some(id) => (id, today.to_string(), false),
        None => {
            let (id, received_on): (i64, String) =
                sqlx::query_as("SELECT id, received_on FROM complaints WHERE open_matter_key = $1")
                    .bind(key.as_deref())
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query("UPDATE complaints SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            (id, received_on, true)
        }
    };
    let body = if merged {
        if c.wanted.is_empty() { c.what_happened.to_owned() } else { format!("{}\n\n{}", c.what_happened, c.wanted) }
    } else {
        String::new()
    };
    if let Some(staff_id) = visit_staff {
        let recused = sqlx::query(
            "INSERT INTO complaint_recusals (complaint_id, staff_id) VALUES ($1, $2) \
             ON CONFLICT (complaint_id, staff_id) DO NOTHING",
        )
        .bind(id)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
        // A repeat naming the visit can reach an open complaint its checker already handles: it
        // goes back to the queue (a supervisor assigns it), with the reason for the desk.
        let unassigned = sqlx::query("UPDATE complaints SET handler_id = NULL WHERE id = $1 AND handler_id = $2")
            .bind(id)
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        if recused.rows_affected() == 1 {
            let name: String = sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1")
                .bind(staff_id)
                .fetch_one(&mut *tx)
                .await?;
            add_event(&mut tx, id, "recused", None, &name, now).await?;
        }
        if unassigned.rows_affected() == 1 {
            add_event(&mut tx, id, "unassigned", None, "", now).await?;
        }
    }
    let event = add_event(&mut tx, id, if merged { "merged" } else { "submitted" }, None, &body, now).await?;
    store_files(&mut tx, id, event, files, now).await?;
    tx.commit().await?;
    Ok(Some(Filed { id, reference: reference_of(id, &received_on), merged }))
}

/// A timeline entry: by the customer when `staff_id` is `None`; an internal note is never shown
/// to the customer.
async fn add_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    complaint_id: i64,
    kind: &str,
    staff_id: Option<i64>,
    body: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let internal =
        matches!(kind, "note" | "assigned" | "unassigned" | "recused" | "extension_requested" | "extension_refused");
    sqlx::query_scalar(
        "INSERT INTO complaint_events (complaint_id, kind, by_customer, staff_id, body, internal, created_at, assisted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(complaint_id)
    .bind(kind)
    .bind(i64::from(staff_id.is_none()))
    .bind(staff_id)
    .bind(body)
    .bind(i64::from(internal))
    .bind(now)
    // The customer's own step, taken by an agent in a delegated session.
    .bind(if staff_id.is_none() { crate::audit::acting_staff() } else { None })
    .fetch_one(&mut **tx)
    .await
}

/// A file that arrived with a message, already checked (`files::check_file`).
pub struct Upload {
    pub name: String,
    pub kind: FileKind,
    pub content: Vec<u8>,
}

/// Stores the files of the timeline entry `event_id`, in the transaction that wrote the entry.
async fn store_files(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    complaint_id: i64,
    event_id: i64,
    files: &[Upload],
    now: i64,
) -> Result<(), sqlx::Error> {
    for file in files {
        sqlx::query(
            "INSERT INTO complaint_attachments (complaint_id, event_id, file_name, content_type, size_bytes, \
             content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(complaint_id)
        .bind(event_id)
        .bind(&file.name)
        .bind(file.kind.content_type())
        .bind(i64::try_from(file.content.len()).unwrap_or(i64::MAX))
        .bind(&file.content)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One of a complaint's files, for `party` to download: whose complaint it is, and the file's
/// name, type and content. `None` when the complaint or file does not exist for them, or they
/// may not open its files.
pub async fn open_file(
    pool: &AnyPool,
    party: Party,
    complaint_id: i64,
    file_id: i64,
) -> Result<Option<(i64, (String, String, Vec<u8>))>, sqlx::Error> {
    let Some(found) = case_of(pool, party, complaint_id).await? else { return Ok(None) };
    if !may_open_files(&found, party) {
        return Ok(None);
    }
    let file = sqlx::query_as(
        "SELECT file_name, content_type, content FROM complaint_attachments WHERE id = $1 AND complaint_id = $2",
    )
    .bind(file_id)
    .bind(complaint_id)
    .fetch_optional(pool)
    .await?;
    Ok(file.map(|file| (found.customer_id, file)))
}

/// A complaint's file for the download route: who is asking (from the request's session), then
/// `open_file`. A member of staff's download is recorded about the customer, like any look.
/// Anyone else, and a file that is not there, get `NotFound`.
pub async fn download_file(
    state: &AppState,
    parts: &http::request::Parts,
    complaint_id: i64,
    file_id: i64,
) -> Result<((String, String, Vec<u8>), Vec<http::HeaderValue>), AppError> {
    use crate::auth::Role;
    let (who, cookies) = crate::guard::session_of(state, parts).await?;
    let who = who.ok_or(AppError::Unauthenticated)?;
    let party = match (who.role, who.customer_id(), who.staff_id()) {
        (Role::Customer, Some(id), _) => Party::Customer(id),
        (Role::Agent | Role::Supervisor, _, Some(id)) => Party::Staff { id, supervisor: who.role == Role::Supervisor },
        _ => return Err(AppError::Forbidden),
    };
    let opened = open_file(&state.pool, party, complaint_id, file_id).await.map_err(AppError::internal)?;
    let (customer_id, file) = opened.ok_or(AppError::NotFound)?;
    if party.staff_id().is_some() {
        let detail = serde_json::json!({ "complaint_id": complaint_id, "file_id": file_id }).to_string();
        crate::audit::audit_about(
            &state.pool,
            "complaint_file_opened_by_staff",
            Some(&who.principal),
            Some(&who.session_id),
            Some(customer_id),
            None,
            &crate::audit::client_of(parts),
            state.now(),
            &detail,
        )
        .await
        .map_err(AppError::internal)?;
    }
    Ok((file, cookies))
}

fn may_open_files(found: &Found, party: Party) -> bool {
    let staff = match party {
        Party::Staff { id, supervisor } => Some((id, supervisor)),
        Party::Customer(_) => None,
    };
    // case_of already showed a customer only their own complaint.
    files::may_open(true, staff, found.case.handler, &found.case.recused)
}

/// The customer's open complaint about one of their transactions (waiting for its first
/// decision), if any: its id, reference and the day it was received.
pub async fn latest_about_transaction(
    pool: &AnyPool,
    customer_id: i64,
    transaction_id: i64,
) -> Result<Option<(i64, String, NaiveDate)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, received_on FROM complaints WHERE customer_id = $1 AND transaction_id = $2 \
         AND open_matter_key IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(customer_id)
    .bind(transaction_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(id, received_on)| {
        let day = received_on.parse().ok()?;
        Some((id, reference_of(id, &received_on), day))
    }))
}

/// The acknowledgement: a message in Messages (and by SMS or e-mail as the customer chose), and
/// the audit trail.
pub async fn acknowledge(
    state: &AppState,
    who: &crate::guard::Authenticated,
    filed: &Filed,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::messages::{MessageKind, MessageParams, service::NewMessage};
    let customer_id = who.customer_id().unwrap_or_default();
    let (kind, key) = if filed.merged {
        (MessageKind::ComplaintMerged, format!("complaint_merged:{}:{now}", filed.id))
    } else {
        (MessageKind::ComplaintReceived, format!("complaint_received:{}", filed.id))
    };
    let params = MessageParams { reference: Some(filed.reference.clone()), ..Default::default() };
    let message = NewMessage { customer_id, kind, params, account_id: None, dedupe_key: Some(&key) };
    crate::messages::service::post(&state.pool, &state.gateway, message, now).await?;
    let detail = serde_json::json!({ "complaint_id": filed.id, "reference": filed.reference, "merged": filed.merged });
    crate::audit::record(&state.pool, who, "complaint_filed", now, &detail.to_string()).await
}

type ComplaintRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
);

const COMPLAINT_COLUMNS: &str = "SELECT id, kind, category, status, received_on, time_limit, extra_days, created_at, \
     what_happened, wanted, contact, account_id, transaction_id, customer_id, handler_id FROM complaints";

/// The clock's inputs for some complaints: pauses and review requests, by complaint.
struct Clocks {
    calendar: BankCalendar,
    pauses: Vec<(i64, Pause)>,
    reviews: Vec<(i64, NaiveDate)>,
}

/// Whose complaints' clocks to read: one customer's, or those with ids in a range.
enum Scope {
    Customer(i64),
    Ids(i64, i64),
}

async fn clocks(pool: &AnyPool, scope: Scope) -> Result<Clocks, sqlx::Error> {
    let (filter, a, b) = match scope {
        Scope::Customer(id) => ("c.customer_id = $1 AND $2 = $2", id, 0),
        Scope::Ids(from, to) => ("c.id BETWEEN $1 AND $2", from, to),
    };
    let pauses: Vec<(i64, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT p.complaint_id, p.from_day, p.until_day FROM complaint_pauses p \
         JOIN complaints c ON c.id = p.complaint_id WHERE {filter}"
    ))
    .bind(a)
    .bind(b)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT r.complaint_id, r.requested_on FROM complaint_reviews r \
         JOIN complaints c ON c.id = r.complaint_id WHERE {filter}"
    ))
    .bind(a)
    .bind(b)
    .fetch_all(pool)
    .await?;
    Ok(Clocks {
        calendar: calendar(pool).await?,
        pauses: pauses
            .into_iter()
            .filter_map(|(id, from, until)| {
                let from = from.parse().ok()?;
                let until = match until {
                    Some(u) => Some(u.parse().ok()?),
                    None => None,
                };
                Some((id, Pause { from, until }))
            })
            .collect(),
        reviews: reviews.into_iter().filter_map(|(id, day)| Some((id, day.parse().ok()?))).collect(),
    })
}

fn time_limit(name: &str, extra_days: i64) -> TimeLimit {
    match name {
        "complex" => TimeLimit::Complex,
        "approved" => TimeLimit::Approved { extra_days: u32::try_from(extra_days).unwrap_or(0) },
        _ => TimeLimit::Standard,
    }
}

fn summary_from(r: &ComplaintRow, clocks: &Clocks, today: NaiveDate) -> Option<ComplaintSummary> {
    let status = Status::parse(&r.3)?;
    let received_on: NaiveDate = r.4.parse().ok()?;
    let pauses: Vec<Pause> = clocks.pauses.iter().filter(|(id, _)| *id == r.0).map(|(_, p)| *p).collect();
    let due_on = match status {
        Status::ReviewRequested => clocks
            .reviews
            .iter()
            .find(|(id, _)| *id == r.0)
            .and_then(|(_, asked)| rules::last_day(*asked, rules::REVIEW_DAYS, &pauses, &clocks.calendar)),
        s if s.awaits_decision() => rules::decision_due(received_on, time_limit(&r.5, r.6), &pauses, &clocks.calendar),
        _ => None,
    };
    Some(ComplaintSummary {
        id: r.0,
        reference: rules::reference(received_on.year(), r.0),
        kind: r.1.clone(),
        category: r.2.clone(),
        status,
        received_on,
        due_on,
        urgency: status.awaits_decision().then(|| rules::urgency(today, due_on)),
        created_at: r.7,
    })
}

/// Every open complaint (waiting for a decision or a review's), with its deadline as of `today`.
pub async fn open_complaints(pool: &AnyPool, today: NaiveDate) -> Result<Vec<ComplaintSummary>, sqlx::Error> {
    let rows: Vec<ComplaintRow> =
        sqlx::query_as(&format!("{COMPLAINT_COLUMNS} WHERE status IN ({OPEN}) ORDER BY id")).fetch_all(pool).await?;
    let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0)) else {
        return Ok(Vec::new());
    };
    let clocks = clocks(pool, Scope::Ids(first, last)).await?;
    Ok(rows.iter().filter_map(|r| summary_from(r, &clocks, today)).collect())
}

/// The customer's complaints, newest first (or only `only`).
pub async fn complaints_of(
    pool: &AnyPool,
    customer_id: i64,
    only: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<ComplaintSummary>, sqlx::Error> {
    let rows = rows_of(pool, customer_id, only).await?;
    let clocks = clocks(pool, Scope::Customer(customer_id)).await?;
    Ok(rows.iter().filter_map(|r| summary_from(r, &clocks, today)).collect())
}

async fn rows_of(pool: &AnyPool, customer_id: i64, only: Option<i64>) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{COMPLAINT_COLUMNS} WHERE customer_id = $1 AND ($2 = 0 OR id = $2) ORDER BY created_at DESC, id DESC"
    ))
    .bind(customer_id)
    .bind(only.unwrap_or(0))
    .fetch_all(pool)
    .await
}

/// Who is looking at or acting on a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The customer: only their own complaints exist for them.
    Customer(i64),
    /// A member of the complaints desk: every complaint but those about them. Supervisors also
    /// assign complaints.
    Staff { id: i64, supervisor: bool },
}

impl Party {
    fn actor(self) -> Actor {
        match self {
            Party::Customer(_) => Actor::Customer,
            Party::Staff { id, .. } => Actor::Staff { staff_id: id },
        }
    }

    fn staff_id(self) -> Option<i64> {
        match self {
            Party::Staff { id, .. } => Some(id),
            Party::Customer(_) => None,
        }
    }
}

/// A timeline entry as read: id, kind, by the customer (0/1), body, when, internal (0/1), author.
type EventRow = (i64, String, i64, String, i64, i64, Option<String>, Option<String>);

/// One complaint as `party` may see it: the customer their own without internal notes; staff
/// everything, with who wrote each entry. `None` when it is not theirs to see.
pub async fn detail(
    pool: &AnyPool,
    party: Party,
    complaint_id: i64,
    today: NaiveDate,
) -> Result<Option<ComplaintDetail>, sqlx::Error> {
    let row: Option<ComplaintRow> =
        sqlx::query_as(&format!("{COMPLAINT_COLUMNS} WHERE id = $1")).bind(complaint_id).fetch_optional(pool).await?;
    let Some(row) = row else { return Ok(None) };
    let Some(found) = case_of(pool, party, complaint_id).await? else { return Ok(None) };
    let clocks = clocks(pool, Scope::Ids(complaint_id, complaint_id)).await?;
    let Some(summary) = summary_from(&row, &clocks, today) else { return Ok(None) };
    let staff_view = party.staff_id().is_some();
    let openable = may_open_files(&found, party);
    let files: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT event_id, id, file_name, size_bytes FROM complaint_attachments WHERE complaint_id = $1 ORDER BY id",
    )
    .bind(complaint_id)
    .fetch_all(pool)
    .await?;
    let files_of = |event: i64| -> Vec<FileView> {
        let mine = files.iter().filter(|f| f.0 == event);
        mine.map(|(_, id, name, size)| FileView { id: *id, name: name.clone(), size_bytes: *size, openable }).collect()
    };
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT e.id, e.kind, e.by_customer, e.body, e.created_at, e.internal, s.name, \
         (SELECT x.name || ' ' || x.staff_no FROM staff_users x WHERE x.id = e.assisted_by) FROM complaint_events e \
         LEFT JOIN staff_users s ON s.id = e.staff_id \
         WHERE e.complaint_id = $1 AND (e.internal = 0 OR $2 = 1) ORDER BY e.id",
    )
    .bind(complaint_id)
    .bind(i64::from(staff_view))
    .fetch_all(pool)
    .await?;
    let decisions: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT round, facts, grounds, remedy, decided_on FROM complaint_decisions \
         WHERE complaint_id = $1 ORDER BY round",
    )
    .bind(complaint_id)
    .fetch_all(pool)
    .await?;
    #[derive(sqlx::FromRow)]
    struct More {
        rating: Option<i64>,
        rating_comment: Option<String>,
        visit_id: Option<i64>,
        visit_reference: Option<String>,
        report_reason: Option<String>,
        notice_window_ends_on: Option<String>,
        late_notice: i64,
        earlier_reference: Option<String>,
        filed_by_agent: Option<String>,
    }
    let more: More = sqlx::query_as(
        "SELECT c.rating, c.rating_comment, c.appointment_id AS visit_id, a.reference AS visit_reference, \
         c.report_reason, c.notice_window_ends_on, c.late_notice, c.earlier_reference, \
         (SELECT x.name || ' ' || x.staff_no FROM staff_users x WHERE x.id = c.assisted_by) AS filed_by_agent FROM complaints c \
         LEFT JOIN appointments a ON a.id = c.appointment_id WHERE c.id = $1",
    )
    .bind(complaint_id)
    .fetch_one(pool)
    .await?;
    let notice = match (more.report_reason, more.notice_window_ends_on.and_then(|d| d.parse().ok())) {
        (Some(reason), Some(window_ends_on)) => {
            Some(super::ErrorNotice { reason, window_ends_on, late: more.late_notice != 0 })
        }
        _ => None,
    };
    let rating = more.rating;
    let extension = if staff_view { extension_of(pool, complaint_id).await? } else { None };
    let case = &found.case;
    let review_until = match case.status {
        Status::Decided if !case.review_requested => {
            case.decided_on.and_then(|d| rules::review_window_ends(d, &clocks.calendar)).filter(|end| today <= *end)
        }
        _ => None,
    };
    Ok(Some(ComplaintDetail {
        summary,
        what_happened: row.8,
        wanted: row.9,
        contact: row.10,
        account_id: row.11,
        transaction_id: row.12,
        visit: more.visit_id.zip(more.visit_reference),
        notice,
        earlier_reference: more.earlier_reference,
        filed_by_agent: more.filed_by_agent,
        timeline: events
            .into_iter()
            .map(|(id, kind, by_customer, body, created_at, internal, author, on_behalf)| TimelineEntry {
                on_behalf,
                kind,
                by_customer: by_customer != 0,
                body,
                created_at,
                internal: internal != 0,
                author: author.filter(|_| staff_view),
                files: files_of(id),
            })
            .collect(),
        decisions: decisions
            .into_iter()
            .filter_map(|(round, facts, grounds, remedy, on)| {
                Some(DecisionView { review: round == "review", facts, grounds, remedy, decided_on: on.parse().ok()? })
            })
            .collect(),
        review_until,
        rating: rating.and_then(|r| u8::try_from(r).ok()),
        rating_comment: more.rating_comment.unwrap_or_default(),
        actions: actions(case, party, found.time_limit, extension.as_ref(), rating.is_some(), today, &clocks),
    }))
}

/// What `party` may do next on a complaint, by asking the rules.
#[allow(clippy::too_many_arguments)]
fn actions(
    case: &Case,
    party: Party,
    limit: TimeLimit,
    extension: Option<&ExtensionRow>,
    rated: bool,
    today: NaiveDate,
    clocks: &Clocks,
) -> Vec<Action> {
    let calendar = &clocks.calendar;
    let paused = clocks.pauses.iter().any(|(_, p)| p.until.is_none());
    let probe = rules::Decision { facts: "-".into(), grounds: "-".into(), remedy: String::new() };
    let steps = match party {
        Party::Customer(_) => vec![
            (Action::AddInformation, Step::AddInformation),
            (Action::Withdraw, Step::Withdraw),
            (Action::AcceptDecision, Step::AcceptDecision),
            (Action::RequestReview, Step::RequestReview { reason: "-".into() }),
        ],
        Party::Staff { .. } => vec![
            (Action::Claim, Step::Accept),
            (Action::Reply, Step::Reply),
            (Action::AskCustomer, Step::AskCustomer),
            (Action::RecordCall, Step::Call),
            (Action::Decide, Step::Decide(probe.clone())),
            (Action::DecideReview, Step::DecideReview(probe)),
        ],
    };
    let mut allowed: Vec<Action> = steps
        .into_iter()
        .filter(|(_, step)| rules::next_status(case, party.actor(), step, today, calendar).is_ok())
        .map(|(action, _)| action)
        .collect();
    match party {
        Party::Customer(_) => {
            if rules::check_rating(case.status, rated, 5).is_ok() {
                allowed.push(Action::Rate);
            }
        }
        Party::Staff { id: staff_id, supervisor } => {
            if rules::check_mark_complex(case, staff_id, limit, "-").is_ok() {
                allowed.push(Action::MarkComplex);
            }
            // Probed with nobody in particular (no staff has id 0).
            if rules::check_assign(case, supervisor, 0).is_ok() {
                allowed.push(Action::Assign);
            }
            if rules::check_recusal(case, staff_id, supervisor, 0).is_ok() {
                allowed.push(Action::Recuse);
            }
            if rules::may_note(case, staff_id).is_ok() {
                allowed.push(Action::Note);
            }
            if rules::check_extension_request(case, staff_id, limit, extension.is_some(), 1, "-").is_ok() {
                allowed.push(Action::RequestExtension);
            }
            let pending = extension.filter(|e| e.approved.is_none());
            if pending.is_some_and(|e| {
                rules::check_extension_answer(case, staff_id, supervisor, e.requested_by, true, "-").is_ok()
            }) {
                allowed.push(Action::AnswerExtension);
            }
            if rules::check_pause(case, staff_id, paused, true).is_ok() {
                allowed.push(Action::Pause);
            }
            if rules::check_pause(case, staff_id, paused, false).is_ok() {
                allowed.push(Action::Resume);
            }
        }
    }
    allowed
}

/// What the rules know of a complaint, with its owner and time limit.
struct Found {
    case: Case,
    customer_id: i64,
    received_on: String,
    time_limit: TimeLimit,
}

impl Found {
    /// The step taken on this complaint, leaving it in `status`.
    fn taken(&self, complaint_id: i64, status: Status) -> Taken {
        Taken { status, customer_id: self.customer_id, reference: reference_of(complaint_id, &self.received_on) }
    }
}

/// The outcome of a conditional change: done, or refused (`NotNow`) because someone changed the
/// complaint between the read and the write, so the step is no longer possible.
fn settled(done: Result<bool, sqlx::Error>) -> Result<(), AppError> {
    if done.map_err(AppError::internal)? { Ok(()) } else { Err(super::refused(Refusal::NotNow)) }
}

/// What the rules need to know of a complaint, if `party` may see it: a customer only their
/// own, staff any but one about them.
async fn case_of(pool: &AnyPool, party: Party, complaint_id: i64) -> Result<Option<Found>, sqlx::Error> {
    let row: Option<(String, Option<i64>, i64, String, String, i64)> = sqlx::query_as(
        "SELECT status, handler_id, customer_id, received_on, time_limit, extra_days FROM complaints WHERE id = $1",
    )
    .bind(complaint_id)
    .fetch_optional(pool)
    .await?;
    let Some((status, handler, customer_id, received_on, limit, extra_days)) = row else { return Ok(None) };
    let Some(status) = Status::parse(&status) else { return Ok(None) };
    let recused: Vec<i64> = sqlx::query_scalar("SELECT staff_id FROM complaint_recusals WHERE complaint_id = $1")
        .bind(complaint_id)
        .fetch_all(pool)
        .await?;
    let visible = match party {
        Party::Customer(id) => id == customer_id,
        Party::Staff { id, .. } => !recused.contains(&id),
    };
    if !visible {
        return Ok(None);
    }
    let first: Option<(i64, String)> = sqlx::query_as(
        "SELECT decided_by, decided_on FROM complaint_decisions WHERE complaint_id = $1 AND round = 'first'",
    )
    .bind(complaint_id)
    .fetch_optional(pool)
    .await?;
    let reviews: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaint_reviews WHERE complaint_id = $1")
        .bind(complaint_id)
        .fetch_one(pool)
        .await?;
    Ok(Some(Found {
        case: Case {
            status,
            handler,
            decided_by: first.as_ref().map(|f| f.0),
            decided_on: first.and_then(|f| f.1.parse().ok()),
            review_requested: reviews > 0,
            recused,
        },
        customer_id,
        received_on,
        time_limit: time_limit(&limit, extra_days),
    }))
}

/// The timeline entry a step leaves.
fn event_kind(step: &Step) -> &'static str {
    match step {
        Step::Accept => "accepted",
        Step::Reply => "reply",
        Step::AskCustomer => "asked_customer",
        Step::Call => "called",
        Step::AddInformation => "info_added",
        Step::Decide(_) => "decided",
        Step::AcceptDecision => "decision_accepted",
        Step::RequestReview { .. } => "review_requested",
        Step::DecideReview(_) => "review_decided",
        Step::Withdraw => "withdrawn",
    }
}

/// A step taken: the complaint's new status, whose it is and its reference (for the message
/// the customer is sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub status: Status,
    pub customer_id: i64,
    pub reference: String,
}

fn not_found() -> AppError {
    AppError::NotFound
}

/// A step on a complaint by its customer or a member of staff: refused by the rules, or taken
/// with what it records (the decision, the review request, the timeline entry) in one
/// transaction. The change is made only if the complaint's status and handler are still the
/// ones the rules saw, so of two people acting at once the second is refused (`NotNow`). A
/// complaint `party` may not see answers `NotFound`.
pub async fn take_step(
    pool: &AnyPool,
    party: Party,
    complaint_id: i64,
    step: &Step,
    body: &str,
    now: i64,
) -> Result<Taken, AppError> {
    take_step_sending(pool, party, complaint_id, step, body, &[], now).await
}

/// `take_step` with files that go with its message, stored in the same transaction.
pub async fn take_step_sending(
    pool: &AnyPool,
    party: Party,
    complaint_id: i64,
    step: &Step,
    body: &str,
    files: &[Upload],
    now: i64,
) -> Result<Taken, AppError> {
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let calendar = calendar(pool).await.map_err(AppError::internal)?;
    let today = crate::accounts::china_today(now);
    let case = &found.case;
    let next = rules::next_status(case, party.actor(), step, today, &calendar).map_err(super::refused)?;
    let claim = matches!(step, Step::Accept);
    let staff_id = party.staff_id();
    let taken = async {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET status = $1, updated_at = $2, \
             handler_id = CASE WHEN $3 = 1 THEN $4 ELSE handler_id END, \
             open_matter_key = CASE WHEN $1 IN ('decided', 'withdrawn') THEN NULL ELSE open_matter_key END \
             WHERE id = $5 AND status = $6 AND COALESCE(handler_id, 0) = $7 \
             AND NOT EXISTS (SELECT 1 FROM complaint_recusals r WHERE r.complaint_id = $5 AND r.staff_id = $4)",
        )
        .bind(next.as_str())
        .bind(now)
        .bind(i64::from(claim))
        .bind(staff_id.unwrap_or(0))
        .bind(complaint_id)
        .bind(case.status.as_str())
        .bind(case.handler.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        match step {
            Step::Decide(d) | Step::DecideReview(d) => {
                sqlx::query(
                    "INSERT INTO complaint_decisions (complaint_id, round, facts, grounds, remedy, decided_by, \
                     decided_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(complaint_id)
                .bind(if matches!(step, Step::Decide(_)) { "first" } else { "review" })
                .bind(d.facts.trim())
                .bind(d.grounds.trim())
                .bind(d.remedy.trim())
                .bind(staff_id.unwrap_or(0))
                .bind(today.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            Step::RequestReview { reason } => {
                sqlx::query(
                    "INSERT INTO complaint_reviews (complaint_id, reason, requested_on, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(complaint_id)
                .bind(reason.trim())
                .bind(today.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
        let event = add_event(&mut tx, complaint_id, event_kind(step), staff_id, body, now).await?;
        store_files(&mut tx, complaint_id, event, files, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(taken)?;
    Ok(found.taken(complaint_id, next))
}

/// The handler marks the case complex: 30 days instead of 15, with the reason on the timeline
/// (the customer is told it).
pub async fn mark_complex(
    pool: &AnyPool,
    staff_id: i64,
    complaint_id: i64,
    reason: &str,
    now: i64,
) -> Result<Taken, AppError> {
    let party = Party::Staff { id: staff_id, supervisor: false };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    rules::check_mark_complex(&found.case, staff_id, found.time_limit, reason).map_err(super::refused)?;
    let taken = async {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET time_limit = 'complex', updated_at = $1 \
             WHERE id = $2 AND time_limit = 'standard' AND handler_id = $3 AND status = $4",
        )
        .bind(now)
        .bind(complaint_id)
        .bind(staff_id)
        .bind(found.case.status.as_str())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        add_event(&mut tx, complaint_id, "extended", Some(staff_id), reason.trim(), now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(taken)?;
    Ok(found.taken(complaint_id, found.case.status))
}

/// A complaint's extension request, as the desk reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionRow {
    pub extra_days: i64,
    pub reason: String,
    pub requested_by: i64,
    /// `None` while a supervisor's answer is awaited.
    pub approved: Option<bool>,
    pub answer: String,
}

pub async fn extension_of(pool: &AnyPool, complaint_id: i64) -> Result<Option<ExtensionRow>, sqlx::Error> {
    let row: Option<(i64, String, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT extra_days, reason, requested_by, approved, answer FROM complaint_extensions WHERE complaint_id = $1",
    )
    .bind(complaint_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(extra_days, reason, requested_by, approved, answer)| ExtensionRow {
        extra_days,
        reason,
        requested_by,
        approved: approved.map(|a| a != 0),
        answer,
    }))
}

/// The handler asks a supervisor for `extra_days` beyond the complex limit; the request (with
/// the reason the customer will be told) goes on the timeline as an internal entry.
pub async fn request_extension(
    pool: &AnyPool,
    staff_id: i64,
    complaint_id: i64,
    extra_days: u32,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let party = Party::Staff { id: staff_id, supervisor: false };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let asked_before = extension_of(pool, complaint_id).await.map_err(AppError::internal)?.is_some();
    rules::check_extension_request(&found.case, staff_id, found.time_limit, asked_before, extra_days, reason)
        .map_err(super::refused)?;
    let done = async {
        let mut tx = pool.begin().await?;
        // The key (one request per complaint) refuses the second of two requests at once.
        let inserted = sqlx::query(
            "INSERT INTO complaint_extensions (complaint_id, extra_days, reason, requested_by, requested_at) \
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM complaints WHERE id = $1 AND handler_id = $4 \
             AND time_limit = 'complex') ON CONFLICT (complaint_id) DO NOTHING",
        )
        .bind(complaint_id)
        .bind(i64::from(extra_days))
        .bind(reason.trim())
        .bind(staff_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        let body = format!("+{extra_days}: {}", reason.trim());
        add_event(&mut tx, complaint_id, "extension_requested", Some(staff_id), &body, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(done)
}

/// A supervisor approves the pending extension request (the deadline moves; the customer is told
/// the reason: the step returned) or refuses it with a reason for the handler (`None`).
pub async fn answer_extension(
    pool: &AnyPool,
    party: Party,
    complaint_id: i64,
    approve: bool,
    answer: &str,
    now: i64,
) -> Result<Option<Taken>, AppError> {
    let Party::Staff { id: staff_id, supervisor } = party else { return Err(AppError::Forbidden) };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let request = extension_of(pool, complaint_id).await.map_err(AppError::internal)?;
    let Some(request) = request.filter(|r| r.approved.is_none()) else {
        return Err(super::refused(Refusal::NotNow));
    };
    rules::check_extension_answer(&found.case, staff_id, supervisor, request.requested_by, approve, answer)
        .map_err(super::refused)?;
    let done = async {
        let mut tx = pool.begin().await?;
        let answered = sqlx::query(
            "UPDATE complaint_extensions SET approved = $1, answer = $2, answered_by = $3, answered_at = $4 \
             WHERE complaint_id = $5 AND approved IS NULL",
        )
        .bind(i64::from(approve))
        .bind(answer.trim())
        .bind(staff_id)
        .bind(now)
        .bind(complaint_id)
        .execute(&mut *tx)
        .await?;
        if answered.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        if approve {
            let extended = sqlx::query(
                "UPDATE complaints SET time_limit = 'approved', extra_days = $1, updated_at = $2 \
                 WHERE id = $3 AND time_limit = 'complex' AND status = $4",
            )
            .bind(request.extra_days)
            .bind(now)
            .bind(complaint_id)
            .bind(found.case.status.as_str())
            .execute(&mut *tx)
            .await?;
            if extended.rows_affected() == 0 {
                return Ok(false);
            }
            add_event(&mut tx, complaint_id, "extended", Some(staff_id), &request.reason, now).await?;
        } else {
            add_event(&mut tx, complaint_id, "extension_refused", Some(staff_id), answer.trim(), now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(done)?;
    Ok(approve.then(|| found.taken(complaint_id, found.case.status)))
}

/// Someone on the staff, as the desk's pages list them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    pub id: i64,
    pub staff_no: String,
    pub name: String,
    pub role: String,
}

pub async fn staff_list(pool: &AnyPool) -> Result<Vec<StaffRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, staff_no, name, role FROM staff_users ORDER BY staff_no").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id, staff_no, name, role)| StaffRow { id, staff_no, name, role }).collect())
}

/// A supervisor gives a complaint to an agent or supervisor (accepting it if unclaimed), never to
/// the staff it is about; an internal timeline entry names the new handler.
pub async fn assign(
    pool: &AnyPool,
    supervisor_id: i64,
    complaint_id: i64,
    assignee: i64,
    now: i64,
) -> Result<Taken, AppError> {
    let party = Party::Staff { id: supervisor_id, supervisor: true };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let person: Option<(String, String)> =
        sqlx::query_as("SELECT name, role FROM staff_users WHERE id = $1 AND status = 'active'")
            .bind(assignee)
            .fetch_optional(pool)
            .await
            .map_err(AppError::internal)?;
    let Some((name, _)) = person.filter(|(_, role)| role == "agent" || role == "supervisor") else {
        return Err(AppError::Invalid { field: "assignee".into(), problem: "unknown".into() });
    };
    let case = &found.case;
    let next = rules::check_assign(case, true, assignee).map_err(super::refused)?;
    let taken = async {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET status = $1, handler_id = $2, updated_at = $3 \
             WHERE id = $4 AND status = $5 AND COALESCE(handler_id, 0) = $6 \
             AND NOT EXISTS (SELECT 1 FROM complaint_recusals r WHERE r.complaint_id = $4 AND r.staff_id = $2)",
        )
        .bind(next.as_str())
        .bind(assignee)
        .bind(now)
        .bind(complaint_id)
        .bind(case.status.as_str())
        .bind(case.handler.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        if case.status == Status::Submitted {
            add_event(&mut tx, complaint_id, "accepted", Some(supervisor_id), "", now).await?;
        }
        add_event(&mut tx, complaint_id, "assigned", Some(supervisor_id), &name, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(taken)?;
    Ok(found.taken(complaint_id, next))
}

/// Records that a complaint is about member of staff `about` (by its handler or a supervisor):
/// they may never see or handle it from now on.
pub async fn recuse(pool: &AnyPool, party: Party, complaint_id: i64, about: i64, now: i64) -> Result<(), AppError> {
    let Party::Staff { id: by, supervisor } = party else { return Err(AppError::Forbidden) };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1")
        .bind(about)
        .fetch_optional(pool)
        .await
        .map_err(AppError::internal)?;
    let Some(name) = name else {
        return Err(AppError::Invalid { field: "about".into(), problem: "unknown".into() });
    };
    rules::check_recusal(&found.case, by, supervisor, about).map_err(super::refused)?;
    let recorded = async {
        let mut tx = pool.begin().await?;
        // Not while they handle it (a reassignment may have raced this).
        let inserted = sqlx::query(
            "INSERT INTO complaint_recusals (complaint_id, staff_id) SELECT $1, $2 \
             WHERE NOT EXISTS (SELECT 1 FROM complaints WHERE id = $1 AND handler_id = $2) \
             ON CONFLICT (complaint_id, staff_id) DO NOTHING",
        )
        .bind(complaint_id)
        .bind(about)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        add_event(&mut tx, complaint_id, "recused", Some(by), &name, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(recorded)
}

/// The handler stops the complaint's clock for an external appraisal (`reason`, which the
/// customer reads on the timeline), or with `reason` `None` starts it again. One pause at a
/// time, race-free: the pause is inserted only if none is open, and closed only if open.
pub async fn pause(
    pool: &AnyPool,
    staff_id: i64,
    complaint_id: i64,
    reason: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let party = Party::Staff { id: staff_id, supervisor: false };
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let open: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM complaint_pauses WHERE complaint_id = $1 AND until_day IS NULL")
            .bind(complaint_id)
            .fetch_one(pool)
            .await
            .map_err(AppError::internal)?;
    rules::check_pause(&found.case, staff_id, open > 0, reason.is_some()).map_err(super::refused)?;
    let today = crate::accounts::china_today(now).to_string();
    let done = async {
        let mut tx = pool.begin().await?;
        let changed = match reason {
            Some(reason) => {
                sqlx::query(
                    "INSERT INTO complaint_pauses (complaint_id, from_day, until_day, reason, created_at) \
                 SELECT $1, $2, NULL, $3, $4 WHERE NOT EXISTS \
                 (SELECT 1 FROM complaint_pauses WHERE complaint_id = $1 AND until_day IS NULL)",
                )
                .bind(complaint_id)
                .bind(&today)
                .bind(reason.trim())
                .bind(now)
                .execute(&mut *tx)
                .await?
            }
            None => {
                sqlx::query("UPDATE complaint_pauses SET until_day = $1 WHERE complaint_id = $2 AND until_day IS NULL")
                    .bind(&today)
                    .bind(complaint_id)
                    .execute(&mut *tx)
                    .await?
            }
        };
        if changed.rows_affected() != 1 {
            return Ok::<bool, sqlx::Error>(false);
        }
        let (kind, body) = match reason {
            Some(reason) => ("paused", reason.trim()),
            None => ("resumed", ""),
        };
        add_event(&mut tx, complaint_id, kind, Some(staff_id), body, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    settled(done)
}

/// An internal note for colleagues, never shown to the customer.
pub async fn add_note(pool: &AnyPool, staff_id: i64, complaint_id: i64, body: &str, now: i64) -> Result<(), AppError> {
    let found = case_of(pool, Party::Staff { id: staff_id, supervisor: false }, complaint_id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(not_found)?;
    rules::may_note(&found.case, staff_id).map_err(super::refused)?;
    async {
        let mut tx = pool.begin().await?;
        add_event(&mut tx, complaint_id, "note", Some(staff_id), body.trim(), now).await?;
        tx.commit().await
    }
    .await
    .map_err(AppError::internal)
}

/// The customer rates the outcome of their closed complaint, once.
pub async fn rate(
    pool: &AnyPool,
    customer_id: i64,
    complaint_id: i64,
    stars: u8,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let party = Party::Customer(customer_id);
    let found = case_of(pool, party, complaint_id).await.map_err(AppError::internal)?.ok_or_else(not_found)?;
    let rated: Option<i64> = sqlx::query_scalar("SELECT rating FROM complaints WHERE id = $1")
        .bind(complaint_id)
        .fetch_one(pool)
        .await
        .map_err(AppError::internal)?;
    rules::check_rating(found.case.status, rated.is_some(), stars).map_err(super::refused)?;
    let changed = sqlx::query(
        "UPDATE complaints SET rating = $1, rating_comment = $2, updated_at = $3 \
         WHERE id = $4 AND customer_id = $5 AND status = 'closed' AND rating IS NULL",
    )
    .bind(i64::from(stars))
    .bind(comment.trim())
    .bind(now)
    .bind(complaint_id)
    .bind(customer_id)
    .execute(pool)
    .await
    .map_err(AppError::internal)?;
    if changed.rows_affected() == 0 {
        return Err(super::refused(Refusal::AlreadyRated));
    }
    Ok(())
}

/// Closes the decided complaints whose customer neither accepted the decision nor asked for a
/// review before the review window ended, and the reviewed ones whose review decision nobody
/// accepted within as long (`rules::closes_unanswered`), each with a timeline entry by the bank. Run by the timer job; several instances may run it at once: each close is
/// a conditional `UPDATE`, so a complaint is closed once. Returns how many were closed.
pub async fn close_unanswered(pool: &AnyPool, now: i64) -> Result<u32, sqlx::Error> {
    let today = crate::accounts::china_today(now);
    let calendar = calendar(pool).await?;
    // Each one's last decision: the review's, once there is one.
    let decided: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT c.id, c.status, d.decided_on FROM complaints c \
         JOIN complaint_decisions d ON d.complaint_id = c.id \
         AND d.round = CASE WHEN c.status = 'review_decided' THEN 'review' ELSE 'first' END \
         WHERE c.status IN ('decided', 'review_decided')",
    )
    .fetch_all(pool)
    .await?;
    let mut closed = 0;
    for (id, status, decided_on) in decided {
        let Some(status) = Status::parse(&status) else { continue };
        if !rules::closes_unanswered(status, decided_on.parse().ok(), today, &calendar) {
            continue;
        }
        let mut tx = pool.begin().await?;
        let changed =
            sqlx::query("UPDATE complaints SET status = 'closed', updated_at = $1 WHERE id = $2 AND status = $3")
                .bind(now)
                .bind(id)
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?;
        if changed.rows_affected() == 1 {
            sqlx::query(
                "INSERT INTO complaint_events (complaint_id, kind, by_customer, staff_id, body, internal, created_at) \
                 VALUES ($1, 'closed_unanswered', 0, NULL, '', 0, $2)",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            closed += 1;
        }
        tx.commit().await?;
    }
    Ok(closed)
}

/// Tells the customer the bank wrote on their complaint (a reply, a question, a decision, a
/// longer time limit): a message in Messages, and SMS or e-mail as they chose.
pub async fn notify_customer(
    state: &AppState,
    taken: &Taken,
    kind: crate::messages::MessageKind,
    complaint_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::messages::{MessageParams, service::NewMessage};
    // One message per step: each step adds a timeline entry (two steps in the same second, say
    // marking a case complex and approving its extension, are two messages).
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaint_events WHERE complaint_id = $1")
        .bind(complaint_id)
        .fetch_one(&state.pool)
        .await?;
    let key = format!("{}:{complaint_id}:{entries}", kind.as_str());
    let params = MessageParams { reference: Some(taken.reference.clone()), ..Default::default() };
    let message = NewMessage { customer_id: taken.customer_id, kind, params, account_id: None, dedupe_key: Some(&key) };
    crate::messages::service::post(&state.pool, &state.gateway, message, now).await.map(|_| ())
}

/// What the staff queue shows of one complaint.
pub struct QueueRow {
    pub summary: ComplaintSummary,
    pub customer_name: String,
    pub customer_no: String,
    pub handler: Option<String>,
    pub mine: bool,
}

/// Which complaints the queue lists.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// "open" (awaiting a decision or review), "all", or one status's name.
    pub status: String,
    /// A category's name, or empty for every category.
    pub category: String,
    /// "soon" (due within 3 days), "overdue", or empty.
    pub due: String,
    pub mine: bool,
}

const OPEN: &str = "'submitted', 'accepted', 'in_progress', 'waiting_for_customer', 'review_requested'";

/// A page of the complaints desk's queue, oldest received first, after the keyset cursor
/// `(received_on, id)`; never one about `staff_id`. Deadline filters are applied to each batch
/// read, so a page is full unless the queue is exhausted. Returns the rows and whether more
/// follow.
pub async fn queue(
    pool: &AnyPool,
    staff_id: i64,
    filter: &QueueFilter,
    after: Option<(NaiveDate, i64)>,
    limit: usize,
    today: NaiveDate,
) -> Result<(Vec<QueueRow>, bool), sqlx::Error> {
    const BATCH: i64 = 100;
    let status_clause = match filter.status.as_str() {
        "all" => "1 = 1".to_owned(),
        s if Status::parse(s).is_some() => format!("c.status = '{s}'"),
        _ => format!("c.status IN ({OPEN})"),
    };
    let category = if rules::CATEGORIES.contains(&filter.category.as_str()) { filter.category.as_str() } else { "" };
    let mut cursor = after.map_or((String::new(), 0), |(day, id)| (day.to_string(), id));
    let mut out = Vec::new();
    loop {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(&format!(
            "SELECT c.id, cu.name, cu.customer_no, s.name FROM complaints c \
             JOIN customers cu ON cu.id = c.customer_id LEFT JOIN staff_users s ON s.id = c.handler_id \
             WHERE {status_clause} AND ($1 = '' OR c.category = $1) AND ($2 = 0 OR c.handler_id = $3) \
             AND NOT EXISTS (SELECT 1 FROM complaint_recusals r WHERE r.complaint_id = c.id AND r.staff_id = $3) \
             AND (c.received_on > $4 OR (c.received_on = $4 AND c.id > $5)) \
             ORDER BY c.received_on, c.id LIMIT {BATCH}"
        ))
        .bind(category)
        .bind(i64::from(filter.mine))
        .bind(staff_id)
        .bind(&cursor.0)
        .bind(cursor.1)
        .fetch_all(pool)
        .await?;
        let exhausted = rows.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        let Some((min, max)) = rows.iter().map(|r| r.0).min().zip(rows.iter().map(|r| r.0).max()) else {
            return Ok((out, false));
        };
        let full: Vec<ComplaintRow> =
            sqlx::query_as(&format!("{COMPLAINT_COLUMNS} WHERE id BETWEEN $1 AND $2 ORDER BY id"))
                .bind(min)
                .bind(max)
                .fetch_all(pool)
                .await?;
        let clocks = clocks(pool, Scope::Ids(min, max)).await?;
        for (id, customer_name, customer_no, handler) in rows {
            let Some(row) = full.iter().find(|r| r.0 == id) else { continue };
            cursor = (row.4.clone(), id);
            let Some(summary) = summary_from(row, &clocks, today) else { continue };
            let keep = match filter.due.as_str() {
                "soon" => matches!(summary.urgency, Some(rules::Urgency::DueSoon { .. })),
                "overdue" => matches!(summary.urgency, Some(rules::Urgency::Overdue { .. })),
                _ => true,
            };
            if !keep {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(QueueRow { summary, customer_name, customer_no, handler, mine: row.14 == Some(staff_id) });
        }
        if exhausted {
            return Ok((out, false));
        }
    }
}
