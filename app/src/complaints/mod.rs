//! Complaints and suggestions: filing, following to a decision, rating the outcome.
//!
//! `rules` holds the rules as pure functions (the deadline clock, the state machine, the review
//! window, what counts as the same matter, the filing form's checks); `service` the SQL, where a
//! repeat of an open matter meets the open complaint's key and is merged into it, whatever the
//! number of server instances. The server functions below stay thin: who is asking, then a plain
//! function. `pages` holds the customer's pages; `workbench` the complaints desk's (the queue,
//! handling, the decision); `report` the supervisors' weekly figures.

pub mod files;
pub mod pages;
mod picker;
pub mod report;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod upload;
pub mod workbench;

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
    /// An internal note (shown to staff only).
    pub internal: bool,
    /// The member of staff who wrote it, for staff; `None` for the customer's view.
    pub author: Option<String>,
    /// The files sent with it.
    pub files: Vec<files::FileView>,
    /// The customer's entry, written by an agent in a delegated session ("name S0007").
    pub on_behalf: Option<String>,
}

/// A decision as the customer and staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    /// The review's decision, rather than the first.
    pub review: bool,
    pub facts: String,
    pub grounds: String,
    pub remedy: String,
    pub decided_on: NaiveDate,
}

/// A transaction reported from its account's history: the error notice's reason, the last day of
/// the 15-day notice window, and whether the notice came later (accepted, but flagged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorNotice {
    pub reason: String,
    pub window_ends_on: NaiveDate,
    pub late: bool,
}

/// What the person looking at a complaint may do next, as the rules say (the server asks them
/// again when it is done).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    AddInformation,
    Withdraw,
    AcceptDecision,
    RequestReview,
    Rate,
    Claim,
    Reply,
    AskCustomer,
    RecordCall,
    Note,
    MarkComplex,
    Decide,
    DecideReview,
    Assign,
    Recuse,
    Pause,
    Resume,
    RequestExtension,
    AnswerExtension,
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
    /// The branch visit it is about: its id and reference.
    pub visit: Option<(i64, String)>,
    /// Filed as a transaction's error notice ("report a problem").
    pub notice: Option<ErrorNotice>,
    /// The reference a report sent before reports became complaints was given.
    pub earlier_reference: Option<String>,
    /// Filed by an agent in a delegated session ("name S0007").
    pub filed_by_agent: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub decisions: Vec<DecisionView>,
    /// The last day to ask for a review, while one may be asked for.
    pub review_until: Option<NaiveDate>,
    pub rating: Option<u8>,
    pub rating_comment: String,
    pub actions: Vec<Action>,
}

impl ComplaintDetail {
    pub fn may(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
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

/// The server functions that take files (multipart forms): the only routes whose requests may be
/// larger than the global body limit, up to `UPLOAD_BODY_LIMIT`.
pub const UPLOAD_PATHS: [&str; 3] =
    ["/api/complaints/file_with_files", "/api/complaints/add_with_files", "/api/staff/complaints/reply_with_files"];
/// Three files of 5 MB and the message that goes with them.
pub const UPLOAD_BODY_LIMIT: usize = files::MAX_FILES * files::MAX_FILE_BYTES + 512 * 1024;

/// Files a complaint or suggestion, optionally about one of the customer's own accounts and one
/// of its transactions, or one of their branch visits (anyone else's answers `NotFound`). A repeat
/// of an open complaint on the same matter is merged into it. The customer gets an
/// acknowledgement message either way. Whoever checked the customer in for the visit may never
/// handle the complaint.
///
/// A url-encoded form, one argument per field, for clients other than the portal's pages (and
/// the tests); the pages send `file_complaint_with_files`, so the browser build leaves it out.
#[cfg(feature = "ssr")]
#[server(endpoint = "complaints/file")]
#[allow(clippy::too_many_arguments)]
pub async fn file_complaint(
    kind: String,
    category: String,
    account_id: Option<i64>,
    transaction_id: Option<i64>,
    appointment_id: Option<i64>,
    what_happened: String,
    wanted: String,
    contact: String,
) -> Result<Filed, AppError> {
    let filing = Filing { kind, category, account_id, transaction_id, appointment_id, what_happened, wanted, contact };
    file_with(filing, Vec::new()).await
}

/// `file_complaint` as a multipart form with up to three files (`file` parts): what the filing
/// page sends. A refused file is named in the error and nothing is stored.
#[server(endpoint = "complaints/file_with_files", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn file_complaint_with_files(data: leptos::server_fn::codec::MultipartData) -> Result<Filed, AppError> {
    let mut form = upload::read(data).await?;
    let filing = Filing {
        kind: form.take("kind"),
        category: form.take("category"),
        account_id: form.take("account_id").parse().ok(),
        transaction_id: form.take("transaction_id").parse().ok(),
        appointment_id: form.take("appointment_id").parse().ok(),
        what_happened: form.take("what_happened"),
        wanted: form.take("wanted"),
        contact: form.take("contact"),
    };
    file_with(filing, form.files).await
}

/// What the filing form sends.
#[cfg(feature = "ssr")]
struct Filing {
    kind: String,
    category: String,
    account_id: Option<i64>,
    transaction_id: Option<i64>,
    appointment_id: Option<i64>,
    what_happened: String,
    wanted: String,
    contact: String,
}

#[cfg(feature = "ssr")]
async fn file_with(f: Filing, files: Vec<service::Upload>) -> Result<Filed, AppError> {
    if let Some(problem) = rules::check_filing(&f.kind, &f.category, &f.contact, &f.what_happened, &f.wanted).first() {
        let (field, key) = problem.field_and_key();
        return Err(AppError::Invalid { field: field.into(), problem: key.into() });
    }
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let filing = service::NewComplaint {
        customer_id,
        kind: &f.kind,
        category: &f.category,
        account_id: f.account_id,
        transaction_id: f.transaction_id,
        appointment_id: f.appointment_id,
        notice: None,
        what_happened: f.what_happened.trim(),
        wanted: f.wanted.trim(),
        contact: &f.contact,
    };
    let filed = service::file(&state.pool, &filing, &files, crate::accounts::china_today(now), now)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    service::acknowledge(&state, &who, &filed, now).await.map_err(AppError::internal)?;
    Ok(filed)
}

#[server(endpoint = "complaints/mine")]
pub async fn my_complaints() -> Result<Vec<ComplaintSummary>, AppError> {
    let (state, _who, customer_id) = crate::guard::require_customer().await?;
    let today = crate::accounts::china_today(state.now());
    service::complaints_of(&state.pool, customer_id, None, today).await.map_err(AppError::internal)
}

/// One of the customer's own complaints with its timeline; anyone else's answers `NotFound`.
#[server(endpoint = "complaints/one")]
pub async fn my_complaint(complaint_id: i64) -> Result<ComplaintDetail, AppError> {
    let (state, _who, customer_id) = crate::guard::require_customer().await?;
    let today = crate::accounts::china_today(state.now());
    service::detail(&state.pool, service::Party::Customer(customer_id), complaint_id, today)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// The customer adds information to their complaint (answering a question, or of their own
/// accord).
#[server(endpoint = "complaints/add")]
pub async fn add_complaint_information(complaint_id: i64, text: String) -> Result<ComplaintDetail, AppError> {
    add_with(complaint_id, &text, &[]).await
}

/// `add_complaint_information` as a multipart form (`complaint_id`, `text`) with up to three
/// files: what the complaint's page sends.
#[server(endpoint = "complaints/add_with_files", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn add_complaint_information_with_files(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<(), AppError> {
    let mut form = upload::read(data).await?;
    let complaint_id = form.take("complaint_id").parse().map_err(|_| AppError::NotFound)?;
    // The page loads the complaint again; nothing more for the browser to read.
    add_with(complaint_id, &form.take("text"), &form.files).await.map(|_| ())
}

#[cfg(feature = "ssr")]
async fn add_with(complaint_id: i64, text: &str, files: &[service::Upload]) -> Result<ComplaintDetail, AppError> {
    check_text("text", text)?;
    let (state, _who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let step = rules::Step::AddInformation;
    let party = service::Party::Customer(customer_id);
    service::take_step_sending(&state.pool, party, complaint_id, &step, text.trim(), files, now).await?;
    my_complaint(complaint_id).await
}

/// The customer withdraws their complaint, before a decision.
#[server(endpoint = "complaints/withdraw")]
pub async fn withdraw_complaint(complaint_id: i64) -> Result<(), AppError> {
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let party = service::Party::Customer(customer_id);
    service::take_step(&state.pool, party, complaint_id, &rules::Step::Withdraw, "", now).await?;
    let detail = serde_json::json!({ "complaint_id": complaint_id }).to_string();
    crate::audit::record(&state.pool, &who, "complaint_withdrawn", now, &detail).await.map_err(AppError::internal)?;
    crate::form::back_saying("withdrawn");
    Ok(())
}

/// A text a customer or member of staff writes on a complaint: required, and at most
/// `rules::TEXT_MAX` characters.
pub fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    let len = text.trim().chars().count();
    if len == 0 || len > rules::TEXT_MAX {
        let problem = if len == 0 { "required" } else { "too_long" };
        return Err(AppError::Invalid { field: field.into(), problem: problem.into() });
    }
    Ok(())
}

/// The customer accepts the decision (or the review's): the complaint is closed.
#[server(endpoint = "complaints/accept")]
pub async fn accept_decision(complaint_id: i64) -> Result<(), AppError> {
    let (state, _who, customer_id) = crate::guard::require_customer().await?;
    let party = service::Party::Customer(customer_id);
    service::take_step(&state.pool, party, complaint_id, &rules::Step::AcceptDecision, "", state.now()).await?;
    crate::form::back_saying("accepted");
    Ok(())
}

/// The customer asks for a review of the decision, once, within 30 days, with a reason.
#[server(endpoint = "complaints/review")]
pub async fn request_review(complaint_id: i64, reason: String) -> Result<(), AppError> {
    check_text("reason", &reason)?;
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let step = rules::Step::RequestReview { reason: reason.trim().to_owned() };
    service::take_step(&state.pool, service::Party::Customer(customer_id), complaint_id, &step, reason.trim(), now)
        .await?;
    let detail = serde_json::json!({ "complaint_id": complaint_id }).to_string();
    crate::audit::record(&state.pool, &who, "complaint_review_requested", now, &detail)
        .await
        .map_err(AppError::internal)?;
    crate::form::back_saying("review-requested");
    Ok(())
}

/// The customer rates the outcome of a closed complaint, 1 to 5, once, with an optional comment.
#[server(endpoint = "complaints/rate")]
pub async fn rate_complaint(complaint_id: i64, stars: u8, comment: String) -> Result<(), AppError> {
    if comment.trim().chars().count() > rules::TEXT_MAX {
        return Err(AppError::Invalid { field: "comment".into(), problem: "too_long".into() });
    }
    let (state, _who, customer_id) = crate::guard::require_customer().await?;
    service::rate(&state.pool, customer_id, complaint_id, stars, &comment, state.now()).await?;
    crate::form::back_saying("rated");
    Ok(())
}
