//! The audit trail: who did what, when, in which session, from where, and to whose data. Every
//! job writes it (append-only: the database refuses changes and deletions); it reads nothing
//! back but the customer's own security activity (`auth::service::security_activity`).

use leptos::prelude::use_context;
use sqlx::AnyPool;

/// Who is asking, for the audit trail and the session list.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

/// The caller's address and browser, for the audit trail.
pub fn client() -> Client {
    use_context::<http::request::Parts>().map(|parts| client_of(&parts)).unwrap_or_default()
}

pub fn client_of(parts: &http::request::Parts) -> Client {
    let header = |name: &str| parts.headers.get(name)?.to_str().ok().map(|v| v.chars().take(300).collect());
    let addr =
        parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip().to_string());
    Client { addr, user_agent: header("user-agent") }
}

/// Records `kind` in the audit trail as done by `who`, in this session, from this request's
/// client.
pub async fn record(
    pool: &AnyPool,
    who: &crate::guard::Authenticated,
    kind: &str,
    now: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let subject = who.customer_id();
    audit_about(pool, kind, Some(&who.principal), Some(&who.session_id), subject, who.actor, &client(), now, detail)
        .await
}

/// Records `kind` as done by `who` (a member of staff, say) to the data of customer `subject`,
/// in this session, from this request's client.
pub async fn record_about(
    pool: &AnyPool,
    who: &crate::guard::Authenticated,
    kind: &str,
    subject: i64,
    now: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    audit_about(
        pool,
        kind,
        Some(&who.principal),
        Some(&who.session_id),
        Some(subject),
        who.actor,
        &client(),
        now,
        detail,
    )
    .await
}

/// Records `kind`, done by `principal` (if anyone is known) in `session_id`.
pub async fn audit(
    pool: &AnyPool,
    kind: &str,
    principal: Option<&str>,
    session_id: Option<&str>,
    client: &Client,
    now: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let customer = principal.and_then(principal_parts).filter(|(k, _)| *k == "customer").map(|(_, id)| id);
    audit_about(pool, kind, principal, session_id, customer, acting_staff(), client, now, detail).await
}

/// The member of staff acting in this request's delegated session, if it is one: whatever a job
/// records in it names them beside the customer.
pub fn acting_staff() -> Option<i64> {
    let parts = use_context::<http::request::Parts>()?;
    let session = parts.extensions.get::<crate::guard::RequestSession>()?;
    session.current()?.actor
}

/// Like [`audit`], naming the customer whose data was touched (a member of staff checking a
/// customer in, say), so the customer can see who accessed what, and the member of staff acting
/// in the customer's name in a delegated session.
#[allow(clippy::too_many_arguments)]
pub async fn audit_about(
    pool: &AnyPool,
    kind: &str,
    principal: Option<&str>,
    session_id: Option<&str>,
    subject: Option<i64>,
    acting_staff_id: Option<i64>,
    client: &Client,
    now: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let (actor_kind, actor_id) =
        principal.and_then(principal_parts).map_or(("anonymous", None), |(k, id)| (k, Some(id)));
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, kind, actor_kind, actor_id, subject_customer_id, session_id, client_addr, user_agent, detail, acting_staff_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now)
    .bind(kind)
    .bind(actor_kind)
    .bind(actor_id)
    .bind(subject)
    .bind(session_id)
    .bind(client.addr.as_deref())
    .bind(client.user_agent.as_deref())
    .bind(detail)
    .bind(acting_staff_id)
    .execute(pool)
    .await
    .map(|_| ())
}

/// "customer:1" → ("customer", 1); `None` for anything else.
pub(crate) fn principal_parts(principal: &str) -> Option<(&str, i64)> {
    let (kind, id) = principal.split_once(':')?;
    Some((kind, id.parse().ok()?)).filter(|_| matches!(kind, "customer" | "staff"))
}
