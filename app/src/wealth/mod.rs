//! Wealth products: the risk questionnaire that gives the customer a level C1–C5, the signed
//! result that is valid for 12 months, the product catalogue rated R1–R5 with a suitability badge
//! on every product, and subscriptions that the server refuses unless the product suits the
//! customer and the paying account can pay (`accounts::rules::can_move_money`).
//!
//! `rules` holds the rules as pure functions; `service` the SQL (always scoped to the signed-in
//! customer; a subscription moves the money in one transaction, once per confirmation);
//! `questionnaire` the questionnaire and result pages; `products` the catalogue, a product and
//! subscribing; `review` the staff's review queue. The server functions below stay thin: who is
//! asking (a customer, never staff: 代为操作 is forbidden), then a plain function.

pub mod needs;
pub mod products;
pub mod questionnaire;
pub mod review;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::appointments::Names;
use crate::error::AppError;
use crate::money::Currency;
use chrono::NaiveDate;
use leptos::prelude::*;
use rules::{Level, Standing, Suitability};
use serde::{Deserialize, Serialize};

pub use products::WealthPage;

/// One question of the questionnaire and its options (the scores stay on the server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub position: u8,
    pub text: Names,
    pub options: Vec<(u8, Names)>,
}

/// The questionnaire in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub version: i64,
    pub questions: Vec<Question>,
}

/// Whether a result waits for staff review, and how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Pending,
    Approved,
    Refused,
}

impl Review {
    pub fn parse(name: &str) -> Option<Review> {
        Some(match name {
            "pending" => Review::Pending,
            "approved" => Review::Approved,
            "refused" => Review::Refused,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Review::Pending => "pending",
            Review::Approved => "approved",
            Review::Refused => "refused",
        }
    }
}

/// One attempt at the questionnaire, as its customer (or reviewing staff) reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: i64,
    pub version: i64,
    pub score: u32,
    pub level: Level,
    /// The age rule lowered the level the score reached.
    pub capped: bool,
    pub age: u32,
    pub taken_at: i64,
    pub signed_at: Option<i64>,
    pub expires_on: Option<NaiveDate>,
    pub review: Option<Review>,
    pub review_reason: Option<String>,
    /// Each question with the answer given.
    pub answers: Vec<(Names, Names)>,
    /// This is the customer's newest attempt (only that one can be signed).
    pub newest: bool,
}

/// The Wealth page's head: the customer's standing, the newest attempt, and what is left today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WealthHome {
    pub standing: Standing,
    pub today: NaiveDate,
    pub newest: Option<Assessment>,
    pub attempts_left_today: u32,
    pub subscriptions: Vec<Subscription>,
    /// The optional VIP needs form, if filled in.
    pub needs: Option<needs::Needs>,
}

/// A product kind.
pub const PRODUCT_KINDS: [&str; 5] = ["cash_management", "fixed_income", "mixed", "equity", "structured"];

/// A product of the catalogue with its suitability for the signed-in customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub code: String,
    pub name: Names,
    pub kind: String,
    pub risk: Level,
    pub currency: Currency,
    pub min_minor: i64,
    pub step_minor: i64,
    /// `None`: open-ended.
    pub term_days: Option<i64>,
    pub yield_bp: Option<(i64, i64)>,
    pub benchmark: Names,
    pub subscription_fee_bp: i64,
    pub management_fee_bp: i64,
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub private_placement: bool,
    pub disclosure_version: String,
    pub disclosure: Names,
    pub suitability: Suitability,
}

/// The catalogue's filters (all optional, as the list's GET form sends them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFilter {
    /// At most this risk level.
    pub risk: Option<u8>,
    pub kind: Option<String>,
    /// "open" (open-ended), "short" (up to 180 days), "long" (over 180 days).
    pub term: Option<String>,
    /// A minimum amount of at most this many whole units.
    pub max_minimum: Option<i64>,
}

impl ProductFilter {
    pub fn admits(&self, p: &Product) -> bool {
        self.risk.is_none_or(|r| p.risk.get() <= r)
            && self.kind.as_deref().is_none_or(|k| k.is_empty() || p.kind == k)
            && match self.term.as_deref() {
                Some("open") => p.term_days.is_none(),
                Some("short") => p.term_days.is_some_and(|d| d <= 180),
                Some("long") => p.term_days.is_some_and(|d| d > 180),
                _ => true,
            }
            && self.max_minimum.is_none_or(|m| p.min_minor <= m.saturating_mul(100))
    }
}

/// A demand account the customer may pay from (frozen ones are listed, to say why they cannot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayingAccount {
    pub id: i64,
    pub label: String,
    pub available_minor: i64,
    pub can_pay: bool,
}

/// A product's page: the product, the accounts to pay from, and whether the extra warning for
/// customers aged 65 or more applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub product: Product,
    pub standing: Standing,
    pub accounts: Vec<PayingAccount>,
    pub elder_warning: bool,
    pub today: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    PendingReview,
    Completed,
    Cancelled,
    Refused,
}

impl SubscriptionStatus {
    pub fn parse(name: &str) -> SubscriptionStatus {
        match name {
            "pending_review" => SubscriptionStatus::PendingReview,
            "completed" => SubscriptionStatus::Completed,
            "cancelled" => SubscriptionStatus::Cancelled,
            _ => SubscriptionStatus::Refused,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::PendingReview => "pending_review",
            SubscriptionStatus::Completed => "completed",
            SubscriptionStatus::Cancelled => "cancelled",
            SubscriptionStatus::Refused => "refused",
        }
    }
}

/// A subscription as its customer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub reference: String,
    pub product_code: String,
    pub product: Names,
    pub amount_minor: i64,
    pub currency: Currency,
    pub status: SubscriptionStatus,
    pub confirmed_at: i64,
    pub paying_account: String,
    pub holding_account_id: Option<i64>,
    pub cooling_off_ends_at: Option<i64>,
    pub may_cancel: bool,
    pub review_reason: Option<String>,
}

/// "WS00000042": a subscription's reference.
pub fn subscription_reference(id: i64) -> String {
    format!("WS{id:08}")
}

/// The questionnaire in force, to take.
#[server(endpoint = "wealth/questionnaire")]
pub async fn load_questionnaire() -> Result<Questionnaire, AppError> {
    let (state, _, _) = crate::guard::require_customer_in_person("questionnaire").await?;
    let scheme = service::scheme(&state.pool, None).await?;
    Ok(scheme.questionnaire)
}

/// The Wealth page's head for the signed-in customer.
#[server(endpoint = "wealth/home")]
pub async fn load_wealth_home() -> Result<WealthHome, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::home(&state.pool, customer_id, state.now()).await
}

/// The customer's standing alone (the accounts overview shows the level and its expiry).
#[server(endpoint = "wealth/standing")]
pub async fn my_standing() -> Result<(Standing, NaiveDate), AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let standing = service::standing(&state.pool, customer_id).await?;
    Ok((standing, crate::accounts::china_today(state.now())))
}

/// Submits the answers ("3.1.4…", one option number per question). At most two a day; the
/// result is kept unsigned until the customer signs it.
#[server(endpoint = "wealth/assessments/submit")]
pub async fn submit_assessment(answers: String) -> Result<Assessment, AppError> {
    let (state, who, customer_id) = crate::guard::require_customer_in_person("questionnaire").await?;
    let now = state.now();
    let assessment = service::submit(&state.pool, customer_id, &answers, now).await?;
    let detail = serde_json::json!({
        "assessment_id": assessment.id, "version": assessment.version, "score": assessment.score,
        "level": assessment.level.customer(), "capped": assessment.capped,
    });
    crate::audit::record(&state.pool, &who, "risk_assessment_submitted", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    crate::form::on_to(&format!("/wealth/assessments/{}", assessment.id));
    Ok(assessment)
}

/// One of the customer's own attempts; anyone else's answers `NotFound`.
#[server(endpoint = "wealth/assessments/get")]
pub async fn my_assessment(assessment_id: i64) -> Result<Assessment, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::assessment_of(&state.pool, Some(customer_id), assessment_id).await?.ok_or(AppError::NotFound)
}

/// Signing a result, step one: a code to the customer's phone (their own newest attempt only).
#[server(endpoint = "wealth/assessments/sign/start")]
pub async fn start_signing(assessment_id: i64) -> Result<crate::auth::Challenge, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("assessment_sign").await?;
    service::may_sign(&state.pool, customer_id, assessment_id).await?;
    let purpose = crate::auth::service::Purpose::SignAssessment;
    server::refused_or_internal(
        crate::auth::service::start_confirmation(
            &server::deps(&state),
            &who,
            purpose,
            &crate::audit::client(),
            state.now(),
        )
        .await,
    )
}

/// Step two: the code signs the result; from now it is valid for 12 months (or, if it raised the
/// level within 30 days of the last one, once staff have approved it).
#[server(endpoint = "wealth/assessments/sign")]
pub async fn sign_assessment(assessment_id: i64, challenge_id: String, code: String) -> Result<Assessment, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("assessment_sign").await?;
    let now = state.now();
    service::may_sign(&state.pool, customer_id, assessment_id).await?;
    let purpose = crate::auth::service::Purpose::SignAssessment;
    server::refused_or_internal(
        crate::auth::service::confirm(
            &server::deps(&state),
            &who,
            &challenge_id,
            purpose,
            &code,
            &crate::audit::client(),
            now,
        )
        .await,
    )?;
    let signed = service::sign(&state.pool, customer_id, assessment_id, now).await?;
    let detail = serde_json::json!({
        "assessment_id": signed.id, "level": signed.level.customer(),
        "expires_on": signed.expires_on, "review": signed.review.map(Review::as_str),
    });
    crate::audit::record(&state.pool, &who, "risk_assessment_signed", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    Ok(signed)
}

/// The catalogue under `filter`, each product with its badge for the signed-in customer.
#[server(endpoint = "wealth/products", input = leptos::server_fn::codec::Json)]
pub async fn products(filter: ProductFilter) -> Result<Vec<Product>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let all = service::products(&state.pool, customer_id, state.now()).await?;
    Ok(all.into_iter().filter(|p| filter.admits(p)).collect())
}

/// A product's page for the signed-in customer.
#[server(endpoint = "wealth/product")]
pub async fn load_product_page(code: String) -> Result<ProductPage, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::product_page(&state.pool, customer_id, &code, state.now()).await
}

/// What the customer asks to buy, as the subscription form sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub product: String,
    pub account_id: i64,
    /// The amount as typed ("50000", "50,000.00").
    pub amount: String,
    pub disclosure: bool,
    pub elder_warning: bool,
}

/// Subscribing, step one: every check, then a code to the customer's phone.
#[server(endpoint = "wealth/subscribe/start", input = leptos::server_fn::codec::Json)]
pub async fn start_subscription(order: Order) -> Result<crate::auth::Challenge, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("subscribe").await?;
    let now = state.now();
    service::check_order(&state.pool, customer_id, &order, now).await?;
    let purpose = crate::auth::service::Purpose::Subscribe;
    server::refused_or_internal(
        crate::auth::service::start_confirmation(&server::deps(&state), &who, purpose, &crate::audit::client(), now)
            .await,
    )
}

/// Step two: the code confirms. The challenge is the confirmation's idempotency key: the same
/// confirmation sent again answers the subscription it made, and money moves once.
#[server(endpoint = "wealth/subscribe", input = leptos::server_fn::codec::Json)]
pub async fn subscribe(order: Order, challenge_id: String, code: String) -> Result<Subscription, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("subscribe").await?;
    let now = state.now();
    if let Some(done) = service::subscription_by_key(&state.pool, customer_id, &challenge_id, now).await? {
        return Ok(done);
    }
    let checked = service::check_order(&state.pool, customer_id, &order, now).await?;
    let purpose = crate::auth::service::Purpose::Subscribe;
    let confirmed = crate::auth::service::confirm(
        &server::deps(&state),
        &who,
        &challenge_id,
        purpose,
        &code,
        &crate::audit::client(),
        now,
    )
    .await;
    if confirmed.is_err() {
        // A second send of a confirmation that just went through finds what the first made.
        if let Some(done) = service::subscription_by_key(&state.pool, customer_id, &challenge_id, now).await? {
            return Ok(done);
        }
    }
    server::refused_or_internal(confirmed)?;
    let subscription = service::subscribe(&state.pool, customer_id, &checked, &challenge_id, now).await?;
    let detail = serde_json::json!({
        "subscription": subscription.reference, "product": order.product, "amount_minor": checked.amount_minor,
        "paying_account_id": order.account_id, "level_at_time": checked.level.customer(),
        "disclosure_version": checked.disclosure_version, "elder_warning": checked.elder_review,
        "status": subscription.status.as_str(), "channel": "web",
    });
    crate::audit::record(&state.pool, &who, "wealth_subscribed", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    Ok(subscription)
}

/// Cancels a private placement within its 24-hour cooling-off window: refunded in full.
#[server(endpoint = "wealth/cancel")]
pub async fn cancel_subscription(subscription_id: i64) -> Result<Subscription, AppError> {
    let (state, who, customer_id) = crate::guard::require_customer_in_person("subscription_cancel").await?;
    let now = state.now();
    let cancelled = service::cancel(&state.pool, customer_id, subscription_id, now).await?;
    let detail = serde_json::json!({ "subscription": cancelled.reference, "amount_minor": cancelled.amount_minor });
    crate::audit::record(&state.pool, &who, "wealth_cancelled", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    crate::form::back_saying("purchase-cancelled");
    Ok(cancelled)
}
