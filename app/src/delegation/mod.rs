//! Delegated staff sessions: a support agent, with the customer's consent, sees what the customer
//! sees, in a session whose token names the customer as subject and the agent as actor.
//!
//! - Finding the customer: `/staff/customers` searches by customer number, mobile number or name,
//!   shows masked details only, and records every search in the audit trail (this file).
//! - Asking and consent: `/staff/assist/new` (reason and reference), `/staff/assist/:id` (the code
//!   the customer reads out); a supervisor approves first for diamond-tier and employee customers.
//! - The session: the assist cookie beside the agent's own (`guard` reads it first), the banner on
//!   every page, its end by the agent, the customer, a supervisor or its limits.
//! - Afterwards: the customer's "staff-assisted sessions" in Settings, `/staff/delegations`.
//!
//! `rules` holds the pure rules, `service` the SQL, `pages` the pages; the server functions below
//! check who is asking.

pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::error::AppError;
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// A customer found, as staff may see them before any consent: masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMatch {
    pub customer_no: String,
    pub masked_name: String,
    pub masked_phone: String,
    pub tier: String,
}

/// At most this many customers are listed for one search.
pub const MAX_RESULTS: i64 = 20;

/// Finds customers by number, mobile or name (the start of it), masked. Agents and supervisors
/// only; every search is recorded, with what was asked and how many were found.
#[server(endpoint = "staff/customers/search")]
pub async fn search_customers(query: String) -> Result<Vec<CustomerMatch>, AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    let parsed = rules::parse_query(&query)
        .ok_or_else(|| AppError::Invalid { field: "query".into(), problem: "unreadable".into() })?;
    let found = ssr::search(&state.pool, &parsed).await?;
    let detail = serde_json::json!({ "by": parsed.kind(), "query": query.trim(), "found": found.len() });
    crate::audit::record(&state.pool, &who, "customer_search", state.now(), &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    Ok(found)
}

/// The cookie that holds a delegated session's token in the agent's browser, beside (never
/// instead of) the agent's own session.
pub const ASSIST_COOKIE: &str = "portal_assist";

/// The `Set-Cookie` value that drops the assist cookie.
#[cfg(feature = "ssr")]
pub fn clear_assist_cookie(settings: &crate::state::Settings) -> http::HeaderValue {
    crate::auth::server::cookie(ASSIST_COOKIE, "", 0, settings.https)
}

/// Where a delegation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    AwaitingApproval,
    AwaitingConsent,
    Active,
    Ended,
    Declined,
    Refused,
    Cancelled,
    Expired,
    Withdrawn,
}

impl Status {
    const ALL: [Status; 9] = [
        Status::AwaitingApproval,
        Status::AwaitingConsent,
        Status::Active,
        Status::Ended,
        Status::Declined,
        Status::Refused,
        Status::Cancelled,
        Status::Expired,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::AwaitingApproval => "awaiting_approval",
            Status::AwaitingConsent => "awaiting_consent",
            Status::Active => "active",
            Status::Ended => "ended",
            Status::Declined => "declined",
            Status::Refused => "refused",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still waiting for a supervisor or the customer.
    pub fn is_open(self) -> bool {
        matches!(self, Status::AwaitingApproval | Status::AwaitingConsent)
    }
}

/// A delegation as staff and the customer see it (the customer's name masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assist {
    pub id: i64,
    pub customer_no: String,
    pub masked_name: String,
    pub staff_no: String,
    pub staff_name: String,
    pub reason: String,
    pub reference: String,
    pub status: Status,
    pub requested_at: i64,
    pub code_sent_at: Option<i64>,
    pub wrong_codes: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// "customer:12", "staff:7" or "system".
    pub ended_by: Option<String>,
    /// agent | customer | supervisor | time_limit | idle | agent_signed_out
    pub end_reason: Option<String>,
}

/// A delegation with what was done in it (audit kinds and times), what was refused (the action
/// and when), and how many requests the agent made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistRecord {
    pub assist: Assist,
    pub done: Vec<(String, i64)>,
    pub refused: Vec<(String, i64)>,
    pub requests: i64,
}

/// The fixed banner of a delegated session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistBanner {
    pub id: i64,
    pub masked_name: String,
    pub customer_no: String,
    pub reason: String,
    /// The 30-minute limit (unix seconds), and the seconds left of it at this request.
    pub ends_at: i64,
    pub secs_left: i64,
}

/// What a signed-in customer is told while a request or a session of theirs is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistNotice {
    pub id: i64,
    pub active: bool,
    pub staff_name: String,
    pub staff_no: String,
    pub reason: String,
    /// The consent code, while the request waits for it.
    pub code: Option<String>,
    /// When the code lapses, or the session reaches its limit.
    pub until: i64,
}

/// Which delegations a supervisor is looking for (empty fields: any).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistFilter {
    pub customer_id: Option<i64>,
    pub staff_no: String,
    pub customer_no: String,
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub refused_only: bool,
}

/// An agent asks a customer for a delegated session. Answers the request's id.
#[server(endpoint = "staff/assist/request")]
pub async fn request_assist(customer_no: String, reason: String, reference: String) -> Result<i64, AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    // A delegated session is the customer's: it never reaches here (require_staff refuses it).
    debug_assert!(rules::may_start_delegation(who.actor.is_some()));
    let now = state.now();
    let id = service::request(&state, &who, &customer_no, &reason, &reference, now).await?;
    // Sent by the browser itself (before the page is live): on to the request's page.
    crate::form::on_to(&format!("/staff/assist/{id}"));
    Ok(id)
}

/// A request or session as its agent (or a supervisor) follows it.
#[server(endpoint = "staff/assist/status")]
pub async fn assist_status(id: i64) -> Result<Assist, AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    service::for_staff(&state.pool, &who, id, state.now()).await
}

/// The agent enters the code the customer read out. The right one opens the session (its cookie
/// set beside the agent's own); otherwise the answer says what happened.
#[server(endpoint = "staff/assist/consent")]
pub async fn give_consent(id: i64, code: String) -> Result<(), AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    let now = state.now();
    match service::enter_code(&state, &who, id, &code, now).await? {
        service::Entered::Given(token) => {
            // On to the customer's overview, in the session (`pages::ConsentForm`).
            let cookie =
                crate::auth::server::cookie(ASSIST_COOKIE, &token, rules::SESSION_ABSOLUTE_SECS, state.settings.https);
            crate::auth::server::append_cookies(vec![cookie]);
            crate::form::on_to("/accounts");
            Ok(())
        }
        service::Entered::Refused(rules::Consent::Wrong { entries_left }) => {
            Err(AppError::Invalid { field: "code".into(), problem: format!("wrong:{entries_left}") })
        }
        service::Entered::Refused(rules::Consent::Expired) => {
            Err(AppError::Invalid { field: "code".into(), problem: "expired".into() })
        }
        service::Entered::Refused(_) => Err(AppError::Invalid { field: "code".into(), problem: "cancelled".into() }),
    }
}

/// The agent withdraws a request that has not become a session.
#[server(endpoint = "staff/assist/withdraw")]
pub async fn withdraw_assist(id: i64) -> Result<(), AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    let now = state.now();
    if service::close_request(&state, id, Status::Withdrawn, &who, None, now).await? {
        crate::form::back_saying("assist-withdrawn");
        Ok(())
    } else {
        Err(AppError::Invalid { field: "assist".into(), problem: "not_open".into() })
    }
}

/// A supervisor approves (the code is sent) or declines a request for a diamond-tier or employee
/// customer. Never their own request.
#[server(endpoint = "staff/assist/decide")]
pub async fn decide_assist(id: i64, approve: bool) -> Result<(), AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Supervisor]).await?;
    let now = state.now();
    service::decide(&state, &who, id, approve, now).await?;
    crate::form::back_saying("assist-decided");
    Ok(())
}

/// Ends a live delegated session: the agent acting in it (the banner's button), or a supervisor
/// (from `/staff/delegations`).
#[server(endpoint = "assist/end")]
pub async fn end_assist(id: i64) -> Result<(), AppError> {
    use crate::auth::Role;
    let state = crate::guard::state()?;
    let now = state.now();
    // The agent, from the banner of the session they are in (a plain form): on to their home,
    // which says the session has ended.
    if let Some(who) = crate::guard::authenticated(&state).await?.filter(|who| who.actor.is_some()) {
        let by = format!("staff:{}", who.actor.unwrap_or_default());
        service::end(&state.pool, id, &by, "agent", who.customer_id(), who.actor, now).await?;
        crate::auth::server::append_cookies(vec![clear_assist_cookie(&state.settings)]);
        crate::form::on_to(&format!("/staff/home?assist_ended={id}"));
        return Ok(());
    }
    // A supervisor, naming a live session (anyone else is refused, and recorded).
    let (state, who) = crate::guard::require_staff(&[Role::Supervisor]).await?;
    if service::end(&state.pool, id, &who.principal, "supervisor", None, None, now).await? {
        crate::form::back_saying("assist-ended");
        Ok(())
    } else {
        Err(AppError::Invalid { field: "assist".into(), problem: "not_live".into() })
    }
}

/// The customer refuses a request from their portal. Only in person.
#[server(endpoint = "assist/refuse")]
pub async fn refuse_assist(id: i64) -> Result<(), AppError> {
    let (state, who, customer_id) = crate::guard::require_customer_in_person("assist_consent").await?;
    let now = state.now();
    if service::close_request(&state, id, Status::Refused, &who, Some(customer_id), now).await? {
        crate::form::back_saying("assist-refused");
        Ok(())
    } else {
        Err(AppError::Invalid { field: "assist".into(), problem: "not_open".into() })
    }
}

/// The customer ends a session live in their name, from the notice or Settings.
#[server(endpoint = "assist/stop")]
pub async fn stop_assist(id: i64) -> Result<(), AppError> {
    let (state, who, customer_id) = crate::guard::require_customer_in_person("assist_end").await?;
    let now = state.now();
    if service::end(&state.pool, id, &who.principal, "customer", Some(customer_id), None, now).await? {
        crate::form::back_saying("assist-ended");
        Ok(())
    } else {
        Err(AppError::Invalid { field: "assist".into(), problem: "not_live".into() })
    }
}

/// The customer's staff-assisted sessions, with what was done and refused in each.
#[server(endpoint = "assist/mine")]
pub async fn my_assisted_sessions() -> Result<Vec<AssistRecord>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let filter = AssistFilter { customer_id: Some(customer_id), ..AssistFilter::default() };
    service::records(&state.pool, &filter, state.now()).await
}

/// Supervisors' review of delegated sessions, by agent, customer, day and refused attempts.
#[server(endpoint = "staff/assist/list")]
pub async fn assisted_sessions(
    staff_no: String,
    customer_no: String,
    day: String,
    refused_only: bool,
) -> Result<Vec<AssistRecord>, AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Supervisor]).await?;
    let (from, until) = match day.trim() {
        "" => (None, None),
        day => {
            let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| AppError::Invalid { field: "day".into(), problem: "unreadable".into() })?;
            // The bank's day (UTC+8), as every date on the portal is written.
            let start = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp() - 8 * 3600;
            (Some(start), Some(start + 86_400))
        }
    };
    let filter = AssistFilter { customer_id: None, staff_no, customer_no, from, until, refused_only };
    let records = service::records(&state.pool, &filter, state.now()).await?;
    let detail = serde_json::json!({ "found": records.len() }).to_string();
    crate::audit::record(&state.pool, &who, "assist_review", state.now(), &detail).await.map_err(AppError::internal)?;
    Ok(records)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::rules::{Query, mask_name};
    use super::{CustomerMatch, MAX_RESULTS};
    use crate::error::AppError;
    use sqlx::AnyPool;

    pub async fn search(pool: &AnyPool, query: &Query) -> Result<Vec<CustomerMatch>, AppError> {
        let (condition, value) = match query {
            Query::CustomerNo(no) => ("customer_no = $1", no.clone()),
            Query::Mobile(mobile) => ("mobile = $1", mobile.clone()),
            // A name's start; LIKE's own wildcards in it are matched literally.
            Query::Name(name) => (
                "name LIKE $1 ESCAPE '\\'",
                format!("{}%", name.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            ),
        };
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT customer_no, name, mobile, tier FROM customers WHERE {condition} AND status <> 'closed' \
             ORDER BY customer_no LIMIT {MAX_RESULTS}"
        ))
        .bind(value)
        .fetch_all(pool)
        .await
        .map_err(AppError::internal)?;
        Ok(rows
            .into_iter()
            .map(|(customer_no, name, mobile, tier)| CustomerMatch {
                customer_no,
                masked_name: mask_name(&name),
                masked_phone: crate::auth::service::mask_phone(&mobile),
                tier,
            })
            .collect())
    }
}

pub fn tier_name(tier: &str, locale: Locale) -> String {
    match tier {
        "gold" => td_string!(locale, customers.tier_gold),
        "platinum" => td_string!(locale, customers.tier_platinum),
        "diamond" => td_string!(locale, customers.tier_diamond),
        _ => td_string!(locale, customers.tier_regular),
    }
    .to_string()
}

/// `/staff/customers`: the search, a plain GET form (it works without WASM), and the results.
#[component]
pub fn CustomerSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let query = use_query_map();
    let asked = move || query.with(|q| q.get("q").unwrap_or_default());
    let results = crate::resource::blocking(asked, |q| async move {
        if q.trim().is_empty() { Ok(None) } else { search_customers(q).await.map(Some) }
    });
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, customers.title).to_string()) />
        <section class="page staff-customers">
            <p><a href="/staff/home">{tr!(i18n, wealth.staff_back)}</a></p>
            <h1>{tr!(i18n, customers.title)}</h1>
            <p class="lead">{tr!(i18n, customers.lead)}</p>
            <form method="get" action="/staff/customers" class="search-form" role="search">
                <div class="field">
                    <label for="customer-query">{tr!(i18n, customers.query)}</label>
                    <p class="hint" id="customer-query-hint">{tr!(i18n, customers.query_hint)}</p>
                    <input id="customer-query" name="q" type="search" autocomplete="off" maxlength="40"
                        aria-describedby="customer-query-hint" value=asked />
                </div>
                <p><button type="submit" class="button primary">{tr!(i18n, customers.search)}</button></p>
            </form>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(results.await).await {
                        Ok(None) => ().into_any(),
                        Ok(Some(found)) if found.is_empty() => view! { <p class="empty" role="status">{tr!(i18n, customers.none)}</p> }.into_any(),
                        Ok(Some(found)) => {
                            let n = found.len();
                            view! {
                            <h2 id="results-heading">{move || td_string!(locale(), customers.found, n = n).to_string()}</h2>
                            <div class="table-scroll" role="region" aria-labelledby="results-heading" tabindex="0">
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr!(i18n, customers.col_number)}</th>
                                            <th scope="col">{tr!(i18n, customers.col_name)}</th>
                                            <th scope="col">{tr!(i18n, customers.col_phone)}</th>
                                            <th scope="col">{tr!(i18n, customers.col_tier)}</th>
                                            <th scope="col">{tr!(i18n, customers.col_assist)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {found.into_iter().map(|c| {
                                            let tier = c.tier.clone();
                                            view! {
                                                <tr>
                                                    <th scope="row">{c.customer_no.clone()}</th>
                                                    <td>{c.masked_name}</td>
                                                    <td>{c.masked_phone}</td>
                                                    <td>{move || tier_name(&tier, locale())}</td>
                                                    <td>
                                                        <a href=format!("/staff/assist/new?customer={}", c.customer_no)>
                                                            {tr!(i18n, customers.assist)}
                                                            <span class="sr-only">{format!(" {}", c.customer_no)}</span>
                                                        </a>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            }.into_any()
                        }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{tr!(i18n, customers.unreadable)}</p> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
