//! Delegated sessions in the database: a request and its consent code, the session opened in the
//! customer's name, its end (by whom, why), and what was done and refused in it (read back from
//! the audit trail, which records every request of the session with both identities).

use super::rules::{self, Consent, Ended};
use super::{Assist, AssistBanner, AssistFilter, AssistNotice, AssistRecord, Status};
use crate::auth::Role;
use crate::auth::token::{Actor, Claims};
use crate::error::AppError;
use crate::guard::Authenticated;
use crate::notify::{Channel, Message};
use crate::state::{AppState, SigningKey};
use sqlx::AnyPool;
use std::collections::HashMap;

fn invalid(field: &str, problem: &str) -> AppError {
    AppError::Invalid { field: field.into(), problem: problem.into() }
}

/// The columns every reading of a delegation selects (`d` delegations, `c` customers, `s` staff).
const COLUMNS: &str = "d.id, c.customer_no, c.name AS customer_name, s.staff_no, s.name AS staff_name, d.reason, \
     d.reference, d.status, d.requested_at, d.code_sent_at, d.wrong_codes, d.started_at, d.ended_at, d.ended_by, \
     d.end_reason, d.session_id, d.staff_id";
const FROM: &str =
    "FROM delegations d JOIN customers c ON c.id = d.customer_id JOIN staff_users s ON s.id = d.staff_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    customer_no: String,
    customer_name: String,
    staff_no: String,
    staff_name: String,
    reason: String,
    reference: String,
    status: String,
    requested_at: i64,
    code_sent_at: Option<i64>,
    wrong_codes: i64,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    ended_by: Option<String>,
    end_reason: Option<String>,
    session_id: Option<String>,
    staff_id: i64,
}

impl Row {
    fn assist(self) -> Assist {
        Assist {
            id: self.id,
            customer_no: self.customer_no,
            masked_name: rules::mask_name(&self.customer_name),
            staff_no: self.staff_no,
            staff_name: self.staff_name,
            reason: self.reason,
            reference: self.reference,
            status: Status::parse(&self.status).unwrap_or(Status::Ended),
            requested_at: self.requested_at,
            code_sent_at: self.code_sent_at,
            wrong_codes: self.wrong_codes,
            started_at: self.started_at,
            ended_at: self.ended_at,
            ended_by: self.ended_by,
            end_reason: self.end_reason,
        }
    }
}

async fn row(pool: &AnyPool, id: i64) -> Result<Option<Row>, AppError> {
    sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(AppError::internal)
}

/// Closes what has run out by `now`: codes and approvals not used in time, sessions past their
/// limits (the end is when the limit fell, not when it was noticed). Any instance may run it.
/// Pages that list delegations run it on every view (a customer's settings, the staff's lists), so
/// it writes only when something has run out: a write takes SQLite's one write lock, and every
/// `/settings` view of every customer took it twice.
pub async fn settle(pool: &AnyPool, now: i64) -> Result<(), sqlx::Error> {
    let (consent_due, approval_due): (i64, i64) = sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM delegations WHERE status = 'awaiting_consent' AND code_sent_at + $1 <= $3), \
         (SELECT COUNT(*) FROM delegations WHERE status = 'awaiting_approval' AND requested_at + $2 <= $3)",
    )
    .bind(rules::CONSENT_LIFE_SECS)
    .bind(rules::APPROVAL_LIFE_SECS)
    .bind(now)
    .fetch_one(pool)
    .await?;
    if consent_due > 0 {
        expire_unused_codes(pool, now).await?;
    }
    if approval_due > 0 {
        expire_undecided_requests(pool, now).await?;
    }
    let live: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.created_at, s.last_seen_at FROM delegations d JOIN sessions s ON s.id = d.session_id \
         WHERE d.status = 'active'",
    )
    .fetch_all(pool)
    .await?;
    for (session_id, created_at, last_seen_at) in live {
        if let Some(ended) = rules::session_ended(created_at, last_seen_at, now) {
            end_at_limit(pool, &session_id, ended, now).await?;
        }
    }
    Ok(())
}

async fn expire_unused_codes(pool: &AnyPool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE delegations SET status = 'expired', consent_code = NULL, ended_at = code_sent_at + $1 \
         WHERE status = 'awaiting_consent' AND code_sent_at + $1 <= $2",
    )
    .bind(rules::CONSENT_LIFE_SECS)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

async fn expire_undecided_requests(pool: &AnyPool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE delegations SET status = 'expired', ended_at = requested_at + $1 \
         WHERE status = 'awaiting_approval' AND requested_at + $1 <= $2",
    )
    .bind(rules::APPROVAL_LIFE_SECS)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Ends the delegated session `session_id` at the limit it reached.
pub async fn end_at_limit(pool: &AnyPool, session_id: &str, ended: Ended, now: i64) -> Result<(), sqlx::Error> {
    let at: Option<(i64, i64)> = sqlx::query_as("SELECT created_at, last_seen_at FROM sessions WHERE id = $1")
        .bind(session_id)
        .fetch_optional(pool)
        .await?;
    let Some((created_at, last_seen_at)) = at else { return Ok(()) };
    let (reason, when) = match ended {
        Ended::TimeLimit => ("time_limit", created_at + rules::SESSION_ABSOLUTE_SECS),
        Ended::Idle => ("idle", last_seen_at + rules::SESSION_IDLE_SECS),
    };
    end_session(pool, session_id, "system", reason, when.min(now)).await.map(|_| ())
}

/// Ends a live delegated session: the delegation is closed with who and why, the session revoked.
/// False if it had already ended.
async fn end_session(pool: &AnyPool, session_id: &str, by: &str, reason: &str, at: i64) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let ended: Option<(i64, i64, i64)> = sqlx::query_as(
        "UPDATE delegations SET status = 'ended', ended_at = $1, ended_by = $2, end_reason = $3 \
         WHERE session_id = $4 AND status = 'active' RETURNING id, customer_id, staff_id",
    )
    .bind(at)
    .bind(by)
    .bind(reason)
    .bind(session_id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(at)
        .bind(format!("assist_{reason}"))
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let Some((id, customer_id, staff_id)) = ended else { return Ok(false) };
    let detail = serde_json::json!({ "delegation": id, "by": by, "reason": reason }).to_string();
    let client = crate::audit::client();
    let principal = format!("customer:{customer_id}");
    crate::audit::audit_about(
        pool,
        "assist_ended",
        Some(&principal),
        Some(session_id),
        Some(customer_id),
        Some(staff_id),
        &client,
        at,
        &detail,
    )
    .await?;
    Ok(true)
}

/// The delegation a delegated token belongs to (signature checked, expiry not): whose session a
/// browser still holds after it ended.
pub async fn of_token(pool: &AnyPool, key: &SigningKey, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let Ok(claims) = crate::auth::token::verify_signature(token, key) else { return Ok(None) };
    sqlx::query_scalar("SELECT id FROM delegations WHERE session_id = $1").bind(&claims.sid).fetch_optional(pool).await
}

/// Asks customer `customer_no` for consent to a session, for `reason` about `reference`. Sends
/// the code at once, or, for customers who need it, waits for a supervisor first.
pub async fn request(
    state: &AppState,
    who: &Authenticated,
    customer_no: &str,
    reason: &str,
    reference: &str,
    now: i64,
) -> Result<i64, AppError> {
    let staff_id = who.staff_id().ok_or(AppError::Forbidden)?;
    let parsed = rules::check_start(reason, reference).map_err(|problems| {
        let names: Vec<&str> = problems.iter().map(|p| p.as_str()).collect();
        invalid("assist", &names.join(","))
    })?;
    let customer: Option<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, tier, is_employee, ebanking_suspended FROM customers WHERE customer_no = $1 AND status <> 'closed'",
    )
    .bind(customer_no.trim().to_uppercase())
    .fetch_optional(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let (customer_id, tier, is_employee, suspended) = customer.ok_or(AppError::NotFound)?;
    // A customer whose e-banking is suspended has no portal session, assisted or not.
    if suspended != 0 {
        return Err(invalid("assist", "suspended"));
    }
    if let rules::Reference::Complaint(reference) = &parsed {
        // "TS-2026-000123": complaint 123, received in 2026 (`complaints::service::reference_of`).
        let (year, number) = reference[3..].split_once('-').unwrap_or_default();
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM complaints WHERE id = $1 AND customer_id = $2 AND received_on LIKE $3",
        )
        .bind(number.parse::<i64>().unwrap_or(0))
        .bind(customer_id)
        .bind(format!("{year}-%"))
        .fetch_one(&state.pool)
        .await
        .map_err(AppError::internal)?;
        if n == 0 {
            return Err(invalid("assist", "reference_unknown"));
        }
    }
    settle(&state.pool, now).await.map_err(AppError::internal)?;
    let supervised = rules::needs_supervisor(&tier, is_employee == 1);
    let status = if supervised { Status::AwaitingApproval } else { Status::AwaitingConsent };
    let code = (!supervised).then(crate::auth::service::random_code);
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO delegations (customer_id, staff_id, reason, reference, status, requested_at, consent_code, code_sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(customer_id)
    .bind(staff_id)
    .bind(reason.trim())
    .bind(parsed.text())
    .bind(status.as_str())
    .bind(now)
    .bind(code.as_deref())
    .bind(code.as_ref().map(|_| now))
    .fetch_one(&state.pool)
    .await;
    let id = match inserted {
        Ok(id) => id,
        // One open request or session per customer (the unique index says so, whoever asked).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(invalid("assist", "already_open")),
        Err(e) => return Err(AppError::internal(e)),
    };
    let detail = serde_json::json!({ "delegation": id, "reference": parsed.text(), "supervised": supervised });
    crate::audit::record_about(&state.pool, who, "assist_requested", customer_id, now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    if let Some(code) = code {
        send_code(state, id, &code, now).await?;
    }
    Ok(id)
}

/// Texts the consent code to the customer, naming the agent and the reason.
async fn send_code(state: &AppState, id: i64, code: &str, now: i64) -> Result<(), AppError> {
    let (mobile, locale, staff_name, staff_no, reason): (String, String, String, String, String) = sqlx::query_as(
        "SELECT c.mobile, c.preferred_locale, s.name, s.staff_no, d.reason FROM delegations d \
         JOIN customers c ON c.id = d.customer_id JOIN staff_users s ON s.id = d.staff_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let minutes = rules::CONSENT_LIFE_SECS / 60;
    let body = if locale == "en" {
        format!(
            "[Anxin Bank] Agent {staff_name} ({staff_no}) asks to open a session on your behalf: {reason}. \
             Consent code {code}, valid {minutes} minutes. Read it out only to this agent; if you did not ask for help, do not share it."
        )
    } else {
        format!(
            "【安心银行】客服 {staff_name}（工号 {staff_no}）请求代您办理：{reason}。同意码 {code}，{minutes} 分钟内有效。\
             只告诉这位客服；如您未请求协助，请勿告诉任何人。"
        )
    };
    let message = Message { channel: Channel::Sms, to: mobile, kind: "assist_consent_code".into(), body, sent_at: now };
    state.gateway.send(&message).map_err(AppError::internal)
}

/// A delegation as its agent, or a supervisor, sees it; `None` for anyone else.
pub async fn for_staff(pool: &AnyPool, who: &Authenticated, id: i64, now: i64) -> Result<Assist, AppError> {
    settle(pool, now).await.map_err(AppError::internal)?;
    let row = row(pool, id).await?.ok_or(AppError::NotFound)?;
    if who.role != Role::Supervisor && Some(row.staff_id) != who.staff_id() {
        return Err(AppError::NotFound);
    }
    Ok(row.assist())
}

/// What an entry of the consent code led to.
pub enum Entered {
    /// The session is open: its access token.
    Given(String),
    Refused(Consent),
}

/// The agent enters the code the customer read out. The right code, in time, opens the session
/// (once, however many entries arrive together); the third wrong one cancels the request.
pub async fn enter_code(
    state: &AppState,
    who: &Authenticated,
    id: i64,
    code: &str,
    now: i64,
) -> Result<Entered, AppError> {
    let staff_id = who.staff_id().ok_or(AppError::Forbidden)?;
    #[derive(sqlx::FromRow)]
    struct Pending {
        customer_id: i64,
        status: String,
        consent_code: Option<String>,
        code_sent_at: Option<i64>,
        wrong_codes: i64,
    }
    let found: Option<Pending> = sqlx::query_as(
        "SELECT customer_id, status, consent_code, code_sent_at, wrong_codes FROM delegations WHERE id = $1 AND staff_id = $2",
    )
    .bind(id)
    .bind(staff_id)
    .fetch_optional(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let Pending { customer_id, status, consent_code: expected, code_sent_at: sent_at, wrong_codes: wrong } =
        found.ok_or(AppError::NotFound)?;
    if status != Status::AwaitingConsent.as_str() {
        return Err(invalid("assist", &format!("status_{status}")));
    }
    let right = expected.as_deref().is_some_and(|expected| {
        expected.len() == code.trim().len() && constant_time_eq(expected.as_bytes(), code.trim().as_bytes())
    });
    let outcome = rules::check_consent(sent_at.unwrap_or(0), u32::try_from(wrong).unwrap_or(u32::MAX), right, now);
    let audit = |kind: &'static str, detail: serde_json::Value| {
        let pool = state.pool.clone();
        let who = who.clone();
        async move {
            crate::audit::record_about(&pool, &who, kind, customer_id, now, &detail.to_string())
                .await
                .map_err(AppError::internal)
        }
    };
    match outcome {
        Consent::Given => {}
        Consent::Wrong { .. } => {
            sqlx::query(
                "UPDATE delegations SET wrong_codes = wrong_codes + 1 WHERE id = $1 AND status = 'awaiting_consent'",
            )
            .bind(id)
            .execute(&state.pool)
            .await
            .map_err(AppError::internal)?;
            audit("assist_code_wrong", serde_json::json!({ "delegation": id })).await?;
            return Ok(Entered::Refused(outcome));
        }
        Consent::Cancelled | Consent::Expired => {
            let status = if outcome == Consent::Expired { "expired" } else { "cancelled" };
            sqlx::query(
                "UPDATE delegations SET status = $1, consent_code = NULL, ended_at = $2, wrong_codes = wrong_codes + $3 \
                 WHERE id = $4 AND status = 'awaiting_consent'",
            )
            .bind(status)
            .bind(now)
            .bind(i64::from(outcome == Consent::Cancelled))
            .bind(id)
            .execute(&state.pool)
            .await
            .map_err(AppError::internal)?;
            audit("assist_code_refused", serde_json::json!({ "delegation": id, "outcome": status })).await?;
            return Ok(Entered::Refused(outcome));
        }
    }
    // The right code: the session, in the customer's name with the agent as actor.
    let session_id = crate::auth::service::random_hex(32);
    let principal = format!("customer:{customer_id}");
    let client = crate::audit::client();
    let mut tx = state.pool.begin().await.map_err(AppError::internal)?;
    sqlx::query(
        "INSERT INTO sessions (id, principal, role, created_at, last_seen_at, expires_at, client_addr, user_agent, acting_staff_id) \
         VALUES ($1, $2, 'customer', $3, $3, $4, $5, $6, $7)",
    )
    .bind(&session_id)
    .bind(&principal)
    .bind(now)
    .bind(now + rules::SESSION_ABSOLUTE_SECS)
    .bind(client.addr.as_deref())
    .bind(client.user_agent.as_deref())
    .bind(staff_id)
    .execute(&mut *tx)
    .await
    .map_err(AppError::internal)?;
    let started = sqlx::query(
        "UPDATE delegations SET status = 'active', consent_code = NULL, session_id = $1, started_at = $2 \
         WHERE id = $3 AND status = 'awaiting_consent'",
    )
    .bind(&session_id)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(AppError::internal)?;
    if started.rows_affected() != 1 {
        // Another entry of the same code opened it first.
        return Err(invalid("assist", "status_active"));
    }
    tx.commit().await.map_err(AppError::internal)?;
    let mut claims = Claims::new(
        principal.clone(),
        Role::Customer,
        session_id.clone(),
        crate::auth::service::random_hex(16),
        now,
        rules::SESSION_ABSOLUTE_SECS,
    );
    claims.act = Some(Actor { sub: who.principal.clone() });
    let token = crate::auth::token::sign(&claims, &state.signing_key).map_err(AppError::internal)?;
    let detail = serde_json::json!({ "delegation": id, "session": session_id });
    crate::audit::audit_about(
        &state.pool,
        "assist_started",
        Some(&principal),
        Some(&session_id),
        Some(customer_id),
        Some(staff_id),
        &client,
        now,
        &detail.to_string(),
    )
    .await
    .map_err(AppError::internal)?;
    Ok(Entered::Given(token))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A request that has not become a session is closed: withdrawn by its agent, declined by a
/// supervisor, or refused by the customer. False if it was no longer open.
pub async fn close_request(
    state: &AppState,
    id: i64,
    to: Status,
    by: &Authenticated,
    customer_id: Option<i64>,
    now: i64,
) -> Result<bool, AppError> {
    let closed: Option<i64> = sqlx::query_scalar(
        "UPDATE delegations SET status = $1, consent_code = NULL, ended_at = $2, ended_by = $3 \
         WHERE id = $4 AND status IN ('awaiting_approval', 'awaiting_consent') AND ($5 = 0 OR customer_id = $5) \
         AND ($6 = 0 OR staff_id = $6) RETURNING customer_id",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(&by.principal)
    .bind(id)
    .bind(customer_id.unwrap_or(0))
    .bind(if to == Status::Withdrawn { by.staff_id().unwrap_or(-1) } else { 0 })
    .fetch_optional(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let Some(customer_id) = closed else { return Ok(false) };
    let detail = serde_json::json!({ "delegation": id, "status": to.as_str() }).to_string();
    crate::audit::record_about(&state.pool, by, "assist_closed", customer_id, now, &detail)
        .await
        .map_err(AppError::internal)?;
    Ok(true)
}

/// A supervisor approves a request (the code goes out now) or declines it.
pub async fn decide(state: &AppState, who: &Authenticated, id: i64, approve: bool, now: i64) -> Result<(), AppError> {
    settle(&state.pool, now).await.map_err(AppError::internal)?;
    if !approve {
        return if close_request(state, id, Status::Declined, who, None, now).await? {
            Ok(())
        } else {
            Err(invalid("assist", "not_open"))
        };
    }
    let code = crate::auth::service::random_code();
    let approved = sqlx::query(
        "UPDATE delegations SET status = 'awaiting_consent', approved_by = $1, decided_at = $2, consent_code = $3, \
         code_sent_at = $2 WHERE id = $4 AND status = 'awaiting_approval' AND staff_id <> $1",
    )
    .bind(who.staff_id().ok_or(AppError::Forbidden)?)
    .bind(now)
    .bind(&code)
    .bind(id)
    .execute(&state.pool)
    .await
    .map_err(AppError::internal)?;
    if approved.rows_affected() != 1 {
        return Err(invalid("assist", "not_open"));
    }
    crate::audit::record(
        &state.pool,
        who,
        "assist_approved",
        now,
        &serde_json::json!({ "delegation": id }).to_string(),
    )
    .await
    .map_err(AppError::internal)?;
    send_code(state, id, &code, now).await
}

/// Ends the live session of delegation `id`. `customer_id`/`staff_id` restrict whose it may be
/// (the customer's own, the agent's own); a supervisor passes neither.
pub async fn end(
    pool: &AnyPool,
    id: i64,
    by: &str,
    reason: &str,
    customer_id: Option<i64>,
    staff_id: Option<i64>,
    now: i64,
) -> Result<bool, AppError> {
    let session: Option<String> = sqlx::query_scalar(
        "SELECT session_id FROM delegations WHERE id = $1 AND status = 'active' \
         AND ($2 = 0 OR customer_id = $2) AND ($3 = 0 OR staff_id = $3)",
    )
    .bind(id)
    .bind(customer_id.unwrap_or(0))
    .bind(staff_id.unwrap_or(0))
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?
    .flatten();
    let Some(session) = session else { return Ok(false) };
    end_session(pool, &session, by, reason, now).await.map_err(AppError::internal)
}

/// Ends the delegated session `who` is in, as its agent: `reason` "agent" (they signed out of it,
/// or the idle watch did) or "agent_signed_out" (their own session has ended).
pub async fn end_own(pool: &AnyPool, who: &Authenticated, reason: &str, now: i64) -> Result<(), AppError> {
    let Some(staff_id) = who.actor else { return Ok(()) };
    let by = format!("staff:{staff_id}");
    end_session(pool, &who.session_id, &by, reason, now).await.map_err(AppError::internal)?;
    Ok(())
}

/// Ends every live session the member of staff is acting in (they signed out).
pub async fn end_all_of_staff(pool: &AnyPool, staff_id: i64, now: i64) -> Result<(), sqlx::Error> {
    let sessions: Vec<Option<String>> =
        sqlx::query_scalar("SELECT session_id FROM delegations WHERE staff_id = $1 AND status = 'active'")
            .bind(staff_id)
            .fetch_all(pool)
            .await?;
    for session in sessions.into_iter().flatten() {
        end_session(pool, &session, &format!("staff:{staff_id}"), "agent_signed_out", now).await?;
    }
    Ok(())
}

/// The banner of a delegated session: whose it is, why, and when it ends.
pub async fn banner(pool: &AnyPool, who: &Authenticated, now: i64) -> Result<Option<AssistBanner>, sqlx::Error> {
    let found: Option<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT d.id, c.name, c.customer_no, d.reason, s.created_at FROM delegations d \
         JOIN customers c ON c.id = d.customer_id JOIN sessions s ON s.id = d.session_id \
         WHERE d.session_id = $1 AND d.status = 'active'",
    )
    .bind(&who.session_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|(id, name, customer_no, reason, started_at)| AssistBanner {
        id,
        masked_name: rules::mask_name(&name),
        customer_no,
        reason,
        ends_at: started_at + rules::SESSION_ABSOLUTE_SECS,
        secs_left: (started_at + rules::SESSION_ABSOLUTE_SECS - now).max(0),
    }))
}

/// What a signed-in customer is told on every page, read with the customer in one query (the
/// header's, `auth::service::customer_for_header`): the request or session open in their name.
/// `NOTICE_JOIN` joins it to the customer `c`; `NOTICE_COLUMNS` are the columns of [`OpenNotice`].
pub const NOTICE_JOIN: &str = "LEFT JOIN delegations d ON d.customer_id = c.id \
     AND d.status IN ('awaiting_consent', 'active') LEFT JOIN staff_users s ON s.id = d.staff_id";
pub const NOTICE_COLUMNS: &str = "d.id AS notice_id, d.status AS notice_status, s.name AS notice_staff_name, \
     s.staff_no AS notice_staff_no, d.reason AS notice_reason, d.consent_code AS notice_code, \
     d.code_sent_at AS notice_code_sent_at, d.started_at AS notice_started_at";

/// The open delegation of a customer as `NOTICE_JOIN` finds it: all empty when there is none.
#[derive(Debug, Default, sqlx::FromRow)]
pub struct OpenNotice {
    notice_id: Option<i64>,
    notice_status: Option<String>,
    notice_staff_name: Option<String>,
    notice_staff_no: Option<String>,
    notice_reason: Option<String>,
    notice_code: Option<String>,
    notice_code_sent_at: Option<i64>,
    notice_started_at: Option<i64>,
}

impl OpenNotice {
    /// A request waiting for the customer's consent (with its code) or a session live in their
    /// name, unless its code has lapsed or the session reached its limit by `now`.
    pub fn at(self, now: i64) -> Option<AssistNotice> {
        let active = self.notice_status? == "active";
        let until = if active {
            self.notice_started_at? + rules::SESSION_ABSOLUTE_SECS
        } else {
            self.notice_code_sent_at? + rules::CONSENT_LIFE_SECS
        };
        (until > now).then_some(AssistNotice {
            id: self.notice_id?,
            active,
            staff_name: self.notice_staff_name?,
            staff_no: self.notice_staff_no?,
            reason: self.notice_reason?,
            code: self.notice_code,
            until,
        })
    }
}

/// Delegations with what was done and refused in each, newest first: the customer's own, or
/// (for supervisors) by the filter.
pub async fn records(pool: &AnyPool, filter: &AssistFilter, now: i64) -> Result<Vec<AssistRecord>, AppError> {
    settle(pool, now).await.map_err(AppError::internal)?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE ($1 = 0 OR d.customer_id = $1) AND ($2 = '' OR s.staff_no = $2) \
         AND ($3 = '' OR c.customer_no = $3) AND ($4 = 0 OR d.requested_at >= $4) AND ($5 = 0 OR d.requested_at < $5) \
         AND ($6 = 0 OR EXISTS (SELECT 1 FROM audit_events a WHERE a.session_id = d.session_id AND a.kind = 'assisted_refused')) \
         ORDER BY d.requested_at DESC, d.id DESC LIMIT 100"
    ))
    .bind(filter.customer_id.unwrap_or(0))
    .bind(filter.staff_no.trim().to_uppercase())
    .bind(filter.customer_no.trim().to_uppercase())
    .bind(filter.from.unwrap_or(0))
    .bind(filter.until.unwrap_or(0))
    .bind(i64::from(filter.refused_only))
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
    // What was done and refused in the listed sessions, and how many requests each made: one
    // query for the whole list (not two per record).
    let sessions: Vec<&str> = rows.iter().filter_map(|row| row.session_id.as_deref()).collect();
    let mut events: HashMap<String, Vec<(String, i64, String)>> = HashMap::new();
    let mut requests: HashMap<String, i64> = HashMap::new();
    if !sessions.is_empty() {
        let listed = (1..=sessions.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT session_id, kind, occurred_at, detail FROM audit_events WHERE session_id IN ({listed}) \
             AND kind NOT IN ('assist_started', 'assist_ended') \
             AND (kind = 'assisted_request' OR acting_staff_id IS NOT NULL) ORDER BY id"
        );
        let mut query = sqlx::query_as::<_, (String, String, i64, String)>(&sql);
        for session in &sessions {
            query = query.bind(*session);
        }
        for (session, kind, at, detail) in query.fetch_all(pool).await.map_err(AppError::internal)? {
            if kind == "assisted_request" {
                *requests.entry(session).or_default() += 1;
            } else {
                events.entry(session).or_default().push((kind, at, detail));
            }
        }
    }
    let action = |detail: &str| {
        serde_json::from_str::<serde_json::Value>(detail)
            .ok()
            .and_then(|v| v["action"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let session = row.session_id.as_deref().unwrap_or_default();
        // A session belongs to one delegation (`delegations.session_id` is unique): taken, not copied.
        let events = events.remove(session).unwrap_or_default();
        let (refused, done): (Vec<_>, Vec<_>) = events.into_iter().partition(|(kind, _, _)| kind == "assisted_refused");
        records.push(AssistRecord {
            done: done.into_iter().map(|(kind, at, _)| (kind, at)).collect(),
            refused: refused.into_iter().map(|(_, at, detail)| (action(&detail), at)).collect(),
            requests: requests.get(session).copied().unwrap_or(0),
            assist: row.assist(),
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{CONSENT_LIFE_SECS, SESSION_ABSOLUTE_SECS};

    fn open(status: &str, code_sent_at: Option<i64>, started_at: Option<i64>) -> OpenNotice {
        OpenNotice {
            notice_id: Some(7),
            notice_status: Some(status.into()),
            notice_staff_name: Some("王敏".into()),
            notice_staff_no: Some("S0007".into()),
            notice_reason: Some("help_with_appointment".into()),
            notice_code: (status == "awaiting_consent").then(|| "123456".into()),
            notice_code_sent_at: code_sent_at,
            notice_started_at: started_at,
        }
    }

    #[test]
    fn no_open_delegation_means_no_notice() {
        assert_eq!(OpenNotice::default().at(1_000), None);
    }

    #[test]
    fn a_request_shows_its_code_until_the_code_lapses() {
        let notice = open("awaiting_consent", Some(1_000), None).at(1_000 + CONSENT_LIFE_SECS - 1).expect("shown");
        assert!(!notice.active);
        assert_eq!(notice.code.as_deref(), Some("123456"));
        assert_eq!(notice.until, 1_000 + rules::CONSENT_LIFE_SECS);
        assert_eq!(open("awaiting_consent", Some(1_000), None).at(1_000 + CONSENT_LIFE_SECS), None);
    }

    #[test]
    fn a_live_session_shows_until_its_absolute_limit() {
        let notice = open("active", Some(900), Some(1_000)).at(1_000 + SESSION_ABSOLUTE_SECS - 1).expect("shown");
        assert!(notice.active);
        assert_eq!((notice.id, notice.staff_no.as_str()), (7, "S0007"));
        assert_eq!(open("active", Some(900), Some(1_000)).at(1_000 + SESSION_ABSOLUTE_SECS), None);
        // A session without its start recorded is not shown as live.
        assert_eq!(open("active", Some(900), None).at(1_000), None);
    }
}
