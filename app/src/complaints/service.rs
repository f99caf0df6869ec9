//! The complaints SQL. A complaint waiting for its first decision holds its matter's key
//! (`open_matter_key`, UNIQUE): a repeat filed meanwhile meets it in the same INSERT and is merged
//! into the open complaint, so concurrent filings from any number of server instances never open
//! two. Every step re-reads the complaint, asks `rules::next_status`, and changes it only if its
//! status is still the one the rules saw. Every query about a customer's complaints names the
//! customer.

use super::rules::{self, Actor, BankCalendar, Case, Matter, Pause, Refusal, Status, Step, TimeLimit};
use super::{ComplaintDetail, ComplaintSummary, Filed, TimelineEntry};
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
    pub what_happened: &'a str,
    pub wanted: &'a str,
    pub contact: &'a str,
}

fn reference_of(id: i64, received_on: &str) -> String {
    let year = received_on.parse::<NaiveDate>().map(|d| d.year()).unwrap_or_default();
    rules::reference(year, id)
}

/// Files a complaint, or merges it into the customer's open complaint on the same matter.
/// `None` when a linked account or transaction is not the customer's (a transaction needs its
/// account).
pub async fn file(
    pool: &AnyPool,
    c: &NewComplaint<'_>,
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
    let key = rules::matter_key(&Matter {
        customer_id: c.customer_id,
        category: c.category,
        account_id: c.account_id,
        transaction_id: c.transaction_id,
    });
    let mut tx = pool.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO complaints (customer_id, kind, category, account_id, transaction_id, what_happened, wanted, \
         contact, received_on, open_matter_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (open_matter_key) DO NOTHING RETURNING id",
    )
    .bind(c.customer_id)
    .bind(c.kind)
    .bind(c.category)
    .bind(c.account_id)
    .bind(c.transaction_id)
    .bind(c.what_happened)
    .bind(c.wanted)
    .bind(c.contact)
    .bind(today.to_string())
    .bind(key.as_deref())
    .bind(now)
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
    add_event(&mut tx, id, if merged { "merged" } else { "submitted" }, None, &body, now).await?;
    tx.commit().await?;
    Ok(Some(Filed { id, reference: reference_of(id, &received_on), merged }))
}

async fn add_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    complaint_id: i64,
    kind: &str,
    staff_id: Option<i64>,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_events (complaint_id, kind, by_customer, staff_id, body, internal, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6)",
    )
    .bind(complaint_id)
    .bind(kind)
    .bind(i64::from(staff_id.is_none()))
    .bind(staff_id)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The acknowledgement: a message in Messages (and by SMS or e-mail as the customer chose), and
/// the audit trail.
pub async fn acknowledge(
    state: &AppState,
    who: &crate::auth::service::Authenticated,
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
    crate::auth::server::audit_request(&state.pool, who, "complaint_filed", now, &detail.to_string()).await
}

type ComplaintRow =
    (i64, String, String, String, String, String, i64, i64, String, String, String, Option<i64>, Option<i64>);

const COMPLAINT_COLUMNS: &str = "SELECT id, kind, category, status, received_on, time_limit, extra_days, created_at, \
     what_happened, wanted, contact, account_id, transaction_id FROM complaints";

/// The clock's inputs for some complaints: pauses and review requests, by complaint.
struct Clocks {
    calendar: BankCalendar,
    pauses: Vec<(i64, Pause)>,
    reviews: Vec<(i64, NaiveDate)>,
}

async fn clocks(pool: &AnyPool, customer_id: i64) -> Result<Clocks, sqlx::Error> {
    let pauses: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT p.complaint_id, p.from_day, p.until_day FROM complaint_pauses p \
         JOIN complaints c ON c.id = p.complaint_id WHERE c.customer_id = $1",
    )
    .bind(customer_id)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.complaint_id, r.requested_on FROM complaint_reviews r \
         JOIN complaints c ON c.id = r.complaint_id WHERE c.customer_id = $1",
    )
    .bind(customer_id)
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

/// The customer's complaints, newest first (or only `only`).
pub async fn complaints_of(
    pool: &AnyPool,
    customer_id: i64,
    only: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<ComplaintSummary>, sqlx::Error> {
    let rows = rows_of(pool, customer_id, only).await?;
    let clocks = clocks(pool, customer_id).await?;
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

/// One of the customer's complaints with the timeline they may see (no internal notes).
pub async fn complaint_of(
    pool: &AnyPool,
    customer_id: i64,
    complaint_id: i64,
    today: NaiveDate,
) -> Result<Option<ComplaintDetail>, sqlx::Error> {
    let Some(row) = rows_of(pool, customer_id, Some(complaint_id)).await?.pop() else { return Ok(None) };
    let clocks = clocks(pool, customer_id).await?;
    let Some(summary) = summary_from(&row, &clocks, today) else { return Ok(None) };
    let events: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT kind, by_customer, body, created_at FROM complaint_events \
         WHERE complaint_id = $1 AND internal = 0 ORDER BY id",
    )
    .bind(complaint_id)
    .fetch_all(pool)
    .await?;
    Ok(Some(ComplaintDetail {
        summary,
        what_happened: row.8,
        wanted: row.9,
        contact: row.10,
        account_id: row.11,
        transaction_id: row.12,
        timeline: events
            .into_iter()
            .map(|(kind, by_customer, body, created_at)| TimelineEntry {
                kind,
                by_customer: by_customer != 0,
                body,
                created_at,
            })
            .collect(),
    }))
}

/// What the rules need to know of a complaint, if it is the customer's.
async fn case_of(pool: &AnyPool, customer_id: i64, complaint_id: i64) -> Result<Option<Case>, sqlx::Error> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, handler_id FROM complaints WHERE id = $1 AND customer_id = $2")
            .bind(complaint_id)
            .bind(customer_id)
            .fetch_optional(pool)
            .await?;
    let Some((status, handler)) = row else { return Ok(None) };
    let Some(status) = Status::parse(&status) else { return Ok(None) };
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
    let recused: Vec<i64> = sqlx::query_scalar("SELECT staff_id FROM complaint_recusals WHERE complaint_id = $1")
        .bind(complaint_id)
        .fetch_all(pool)
        .await?;
    Ok(Some(Case {
        status,
        handler,
        decided_by: first.as_ref().map(|f| f.0),
        decided_on: first.and_then(|f| f.1.parse().ok()),
        review_requested: reviews > 0,
        recused,
    }))
}

/// The timeline entry a step leaves.
fn event_kind(step: &Step) -> &'static str {
    match step {
        Step::Accept => "accepted",
        Step::Reply => "reply",
        Step::AskCustomer => "asked_customer",
        Step::AddInformation => "info_added",
        Step::Decide(_) => "decided",
        Step::AcceptDecision => "decision_accepted",
        Step::RequestReview { .. } => "review_requested",
        Step::DecideReview(_) => "review_decided",
        Step::Withdraw => "withdrawn",
    }
}

/// A step the customer takes on their own complaint (adding information, withdrawing): refused
/// by the rules, or taken with its timeline entry, in one transaction. A complaint that is not
/// the customer's answers `NotFound`.
pub async fn customer_step(
    pool: &AnyPool,
    customer_id: i64,
    complaint_id: i64,
    step: &Step,
    body: &str,
    now: i64,
) -> Result<Status, AppError> {
    let case = case_of(pool, customer_id, complaint_id).await.map_err(AppError::internal)?.ok_or(AppError::NotFound)?;
    let calendar = calendar(pool).await.map_err(AppError::internal)?;
    let today = crate::accounts::china_today(now);
    let next = rules::next_status(&case, Actor::Customer, step, today, &calendar).map_err(super::refused)?;
    let taken = async {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET status = $1, updated_at = $2, \
             open_matter_key = CASE WHEN $1 IN ('decided', 'withdrawn') THEN NULL ELSE open_matter_key END \
             WHERE id = $3 AND customer_id = $4 AND status = $5",
        )
        .bind(next.as_str())
        .bind(now)
        .bind(complaint_id)
        .bind(customer_id)
        .bind(case.status.as_str())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        add_event(&mut tx, complaint_id, event_kind(step), None, body, now).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await
    .map_err(AppError::internal)?;
    // Someone else changed it between the read and the write: the step is no longer possible.
    if !taken {
        return Err(super::refused(Refusal::NotNow));
    }
    Ok(next)
}
