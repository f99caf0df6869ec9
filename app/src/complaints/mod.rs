//! Complaints and suggestions: filing, following to a decision, rating the outcome.
//!
//! `rules` holds the rules as pure functions (the deadline clock, the state machine, the review
//! window, what counts as the same matter, the filing form's checks); `service` the SQL, where a
//! repeat of an open matter meets the open complaint's key and is merged into it, whatever the
//! number of server instances. The server functions below stay thin: who is asking, then a plain
//! function. `pages` holds the customer's pages; the staff workbench comes next.

pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use rules::{Status, Urgency};
use serde::{Deserialize, Serialize};

pub use pages::ComplaintsPage;

/// One of the customer's complaints in their list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintSummary {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub category: String,
    pub status: Status,
    pub received_on: NaiveDate,
    /// The decision (or review) deadline while one is awaited; `None` otherwise or while paused.
    pub due_on: Option<NaiveDate>,
    /// How close the deadline is, while a decision is awaited.
    pub urgency: Option<Urgency>,
    pub created_at: i64,
}

/// A step or a message on a complaint's timeline, as the customer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub kind: String,
    pub by_customer: bool,
    pub body: String,
    pub created_at: i64,
}

/// A complaint with its timeline, as its customer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDetail {
    pub summary: ComplaintSummary,
    pub what_happened: String,
    pub wanted: String,
    pub contact: String,
    pub account_id: Option<i64>,
    pub transaction_id: Option<i64>,
    pub timeline: Vec<TimelineEntry>,
}

/// What the customer is told after sending: the reference, and whether it joined an open
/// complaint on the same matter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filed {
    pub id: i64,
    pub reference: String,
    pub merged: bool,
}

/// A refused step as the error the pages translate (`complaint`, the refusal's key).
#[cfg(feature = "ssr")]
fn refused(refusal: rules::Refusal) -> AppError {
    let key = serde_json::to_value(refusal).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    AppError::Invalid { field: "complaint".into(), problem: key }
}

#[cfg(feature = "ssr")]
async fn customer() -> Result<(crate::state::AppState, crate::auth::service::Authenticated, i64), AppError> {
    let (state, who) = crate::auth::server::require_customer().await?;
    let customer_id = who.customer_id().ok_or(AppError::Forbidden)?;
    Ok((state, who, customer_id))
}

/// Files a complaint or suggestion, optionally about one of the customer's own accounts and one
/// of its transactions (anyone else's answers `NotFound`). A repeat of an open complaint on the
/// same matter is merged into it. The customer gets an acknowledgement message either way.
#[server(endpoint = "complaints/file")]
pub async fn file_complaint(
    kind: String,
    category: String,
    account_id: Option<i64>,
    transaction_id: Option<i64>,
    what_happened: String,
    wanted: String,
    contact: String,
) -> Result<Filed, AppError> {
    if let Some(problem) = rules::check_filing(&kind, &category, &contact, &what_happened, &wanted).first() {
        let (field, key) = problem.field_and_key();
        return Err(AppError::Invalid { field: field.into(), problem: key.into() });
    }
    let (state, who, customer_id) = customer().await?;
    let now = state.now();
    let filing = service::NewComplaint {
        customer_id,
        kind: &kind,
        category: &category,
        account_id,
        transaction_id,
        what_happened: what_happened.trim(),
        wanted: wanted.trim(),
        contact: &contact,
    };
    let filed = service::file(&state.pool, &filing, crate::accounts::china_today(now), now)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    service::acknowledge(&state, &who, &filed, now).await.map_err(AppError::internal)?;
    Ok(filed)
}

#[server(endpoint = "complaints/mine")]
pub async fn my_complaints() -> Result<Vec<ComplaintSummary>, AppError> {
    let (state, _who, customer_id) = customer().await?;
    let today = crate::accounts::china_today(state.now());
    service::complaints_of(&state.pool, customer_id, None, today).await.map_err(AppError::internal)
}

/// One of the customer's own complaints with its timeline; anyone else's answers `NotFound`.
#[server(endpoint = "complaints/one")]
pub async fn my_complaint(complaint_id: i64) -> Result<ComplaintDetail, AppError> {
    let (state, _who, customer_id) = customer().await?;
    let today = crate::accounts::china_today(state.now());
    service::complaint_of(&state.pool, customer_id, complaint_id, today)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// The customer adds information to their complaint (answering a question, or of their own
/// accord).
#[server(endpoint = "complaints/add")]
pub async fn add_complaint_information(complaint_id: i64, text: String) -> Result<ComplaintDetail, AppError> {
    let len = text.trim().chars().count();
    if len == 0 || len > rules::TEXT_MAX {
        let problem = if len == 0 { "required" } else { "too_long" };
        return Err(AppError::Invalid { field: "text".into(), problem: problem.into() });
    }
    let (state, _who, customer_id) = customer().await?;
    let now = state.now();
    let step = rules::Step::AddInformation;
    service::customer_step(&state.pool, customer_id, complaint_id, &step, text.trim(), now).await?;
    my_complaint(complaint_id).await
}

/// The customer withdraws their complaint, before a decision.
#[server(endpoint = "complaints/withdraw")]
pub async fn withdraw_complaint(complaint_id: i64) -> Result<ComplaintDetail, AppError> {
    let (state, who, customer_id) = customer().await?;
    let now = state.now();
    service::customer_step(&state.pool, customer_id, complaint_id, &rules::Step::Withdraw, "", now).await?;
    let detail = serde_json::json!({ "complaint_id": complaint_id }).to_string();
    crate::auth::server::audit_request(&state.pool, &who, "complaint_withdrawn", now, &detail)
        .await
        .map_err(AppError::internal)?;
    my_complaint(complaint_id).await
}
