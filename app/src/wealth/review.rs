//! The supervisors' wealth review queue (`/staff/wealth`): signed retakes that raised the level
//! within 30 days of the last result, and subscriptions of customers aged 65 or more to R4/R5
//! products, which wait here before any money moves. Each is approved or refused with a reason,
//! and the customer is told by message either way. Staff read a customer's answers here, but
//! can never fill in, sign or submit anything for them: every customer function refuses staff.

use super::questionnaire::level_name;
use super::rules::Level;
use crate::appointments::Names;
use crate::error::AppError;
use crate::format::{format_datetime, format_money};
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::money::{Currency, Money};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// A retake waiting for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedAssessment {
    pub id: i64,
    pub customer_no: String,
    pub customer_name: String,
    pub age: u32,
    pub previous: Option<Level>,
    pub level: Level,
    pub score: u32,
    pub signed_at: i64,
    pub answers: Vec<(Names, Names)>,
    /// The customer's VIP needs form, if filled in.
    pub needs: Option<super::needs::Needs>,
}

/// A subscription waiting for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedSubscription {
    pub id: i64,
    pub reference: String,
    pub customer_no: String,
    pub customer_name: String,
    pub age: u32,
    pub product: Names,
    pub risk: Level,
    pub level_at_time: Level,
    pub amount_minor: i64,
    pub currency: Currency,
    pub confirmed_at: i64,
    pub needs: Option<super::needs::Needs>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WealthQueue {
    pub assessments: Vec<QueuedAssessment>,
    pub subscriptions: Vec<QueuedSubscription>,
}

/// The shortest and longest reason a decision gives.
pub const REASON_MIN: usize = 5;
pub const REASON_MAX: usize = 500;

pub fn check_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    let n = reason.chars().count();
    if n < REASON_MIN {
        return Err(AppError::Invalid { field: "reason".into(), problem: "too_short".into() });
    }
    if n > REASON_MAX {
        return Err(AppError::Invalid { field: "reason".into(), problem: "too_long".into() });
    }
    Ok(reason.to_owned())
}

#[server(endpoint = "staff/wealth/queue")]
pub async fn load_wealth_queue() -> Result<WealthQueue, AppError> {
    let (state, _who) = crate::guard::require_staff(&[crate::auth::Role::Supervisor]).await?;
    ssr::queue(&state.pool, state.now()).await
}

/// Approves or refuses a retake waiting for review.
#[server(endpoint = "staff/wealth/assessment")]
pub async fn decide_assessment(assessment_id: i64, approve: bool, reason: String) -> Result<(), AppError> {
    let reason = check_reason(&reason)?;
    let (state, who) = crate::guard::require_staff(&[crate::auth::Role::Supervisor]).await?;
    let staff_id = who.staff_id().ok_or(AppError::Forbidden)?;
    let now = state.now();
    let customer = ssr::decide_assessment(&state, staff_id, assessment_id, approve, &reason, now).await?;
    let detail = serde_json::json!({ "assessment_id": assessment_id, "approved": approve, "customer_id": customer });
    crate::audit::record(&state.pool, &who, "risk_assessment_reviewed", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    crate::form::back_saying("wealth-decided");
    Ok(())
}

/// Approves (the money moves now) or refuses a subscription waiting for review.
#[server(endpoint = "staff/wealth/subscription")]
pub async fn decide_subscription(subscription_id: i64, approve: bool, reason: String) -> Result<(), AppError> {
    let reason = check_reason(&reason)?;
    let (state, who) = crate::guard::require_staff(&[crate::auth::Role::Supervisor]).await?;
    let staff_id = who.staff_id().ok_or(AppError::Forbidden)?;
    let now = state.now();
    let customer = ssr::decide_subscription(&state, staff_id, subscription_id, approve, &reason, now).await?;
    let detail =
        serde_json::json!({ "subscription_id": subscription_id, "approved": approve, "customer_id": customer });
    crate::audit::record(&state.pool, &who, "wealth_subscription_reviewed", now, &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    crate::form::back_saying("wealth-decided");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{QueuedAssessment, QueuedSubscription, WealthQueue};
    use crate::accounts::china_today;
    use crate::appointments::Names;
    use crate::error::AppError;
    use crate::messages::{MessageKind, MessageParams, service::NewMessage};
    use crate::money::Currency;
    use crate::state::AppState;
    use crate::wealth::needs::ssr::{NEEDS_COLUMNS, NeedsColumns};
    use crate::wealth::rules::{self, Level};
    use crate::wealth::service::{self, IN_FORCE_ORDER, IN_FORCE_WHERE};
    use crate::wealth::subscription_reference;
    use sqlx::AnyPool;
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;

    /// A signed retake waiting for review, with the level in force before it and the needs form.
    #[derive(sqlx::FromRow)]
    struct RetakeRow {
        id: i64,
        customer_no: String,
        name: String,
        birth_date: String,
        level: i64,
        score: i64,
        signed_at: i64,
        version: i64,
        answers: String,
        previous: Option<i64>,
        #[sqlx(flatten)]
        needs: NeedsColumns,
    }

    /// A subscription waiting for review, with its product and the customer's needs form.
    #[derive(sqlx::FromRow)]
    struct PendingRow {
        id: i64,
        customer_no: String,
        name: String,
        birth_date: String,
        name_zh: String,
        name_en: String,
        risk: i64,
        level_at_time: i64,
        amount_minor: i64,
        currency: String,
        confirmed_at: i64,
        #[sqlx(flatten)]
        needs: NeedsColumns,
    }

    fn level(n: i64) -> Result<Level, AppError> {
        Level::new(n).ok_or_else(|| AppError::internal("a stored level out of range"))
    }

    /// The queue in two statements, whatever its length, and three more per questionnaire version
    /// the retakes were answered in (to name their answers).
    pub async fn queue(pool: &AnyPool, now: i64) -> Result<WealthQueue, AppError> {
        let today = china_today(now);
        let age = |birth: &str| birth.parse().map_or(0, |b| rules::age_on(b, today));
        let rows: Vec<RetakeRow> = sqlx::query_as(&format!(
            "SELECT r.id, c.customer_no, c.name, c.birth_date, r.level, r.score, r.signed_at, r.version, r.answers, \
             (SELECT a.level FROM risk_assessments a WHERE a.customer_id = r.customer_id AND {IN_FORCE_WHERE} \
              {IN_FORCE_ORDER} LIMIT 1) AS previous, {NEEDS_COLUMNS} \
             FROM risk_assessments r JOIN customers c ON c.id = r.customer_id \
             LEFT JOIN customer_needs n ON n.customer_id = r.customer_id \
             WHERE r.review = 'pending' AND r.signed_at IS NOT NULL ORDER BY r.signed_at, r.id"
        ))
        .fetch_all(pool)
        .await
        .map_err(AppError::internal)?;
        let mut schemes: HashMap<i64, service::Scheme> = HashMap::new();
        let mut assessments = Vec::with_capacity(rows.len());
        for row in rows {
            let scheme = match schemes.entry(row.version) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(service::scheme(pool, Some(row.version)).await?),
            };
            assessments.push(QueuedAssessment {
                id: row.id,
                customer_no: row.customer_no,
                customer_name: row.name,
                age: age(&row.birth_date),
                previous: row.previous.map(level).transpose()?,
                level: level(row.level)?,
                score: u32::try_from(row.score).unwrap_or(0),
                signed_at: row.signed_at,
                answers: scheme.answered(&row.answers),
                needs: row.needs.needs(),
            });
        }
        let rows: Vec<PendingRow> = sqlx::query_as(&format!(
            "SELECT s.id, c.customer_no, c.name, c.birth_date, p.name_zh, p.name_en, p.risk, \
             s.level_at_time, s.amount_minor, s.currency, s.confirmed_at, {NEEDS_COLUMNS} \
             FROM wealth_subscriptions s JOIN customers c ON c.id = s.customer_id JOIN wealth_products p ON p.id = s.product_id \
             LEFT JOIN customer_needs n ON n.customer_id = s.customer_id \
             WHERE s.status = 'pending_review' ORDER BY s.confirmed_at, s.id"
        ))
        .fetch_all(pool)
        .await
        .map_err(AppError::internal)?;
        let mut subscriptions = Vec::with_capacity(rows.len());
        for row in rows {
            subscriptions.push(QueuedSubscription {
                id: row.id,
                reference: subscription_reference(row.id),
                customer_no: row.customer_no,
                customer_name: row.name,
                age: age(&row.birth_date),
                product: Names { zh: row.name_zh, en: row.name_en },
                risk: level(row.risk)?,
                level_at_time: level(row.level_at_time)?,
                amount_minor: row.amount_minor,
                currency: Currency::parse(&row.currency).map_err(AppError::internal)?,
                confirmed_at: row.confirmed_at,
                needs: row.needs.needs(),
            });
        }
        Ok(WealthQueue { assessments, subscriptions })
    }

    async fn tell(
        state: &AppState,
        customer_id: i64,
        kind: MessageKind,
        params: MessageParams,
        key: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let message = NewMessage { customer_id, kind, params, account_id: None, dedupe_key: Some(key) };
        crate::messages::service::post(&state.pool, &state.gateway, message, now).await.map_err(AppError::internal)?;
        Ok(())
    }

    fn gone() -> AppError {
        AppError::Invalid { field: "review".into(), problem: "already_decided".into() }
    }

    /// Records the decision on a pending retake; answers the customer's id.
    pub async fn decide_assessment(
        state: &AppState,
        staff_id: i64,
        id: i64,
        approve: bool,
        reason: &str,
        now: i64,
    ) -> Result<i64, AppError> {
        let found: Option<(i64, i64)> =
            sqlx::query_as("SELECT customer_id, level FROM risk_assessments WHERE id = $1 AND review = 'pending'")
                .bind(id)
                .fetch_optional(&state.pool)
                .await
                .map_err(AppError::internal)?;
        let (customer_id, lvl) = found.ok_or_else(gone)?;
        let decided = sqlx::query(
            "UPDATE risk_assessments SET review = $1, reviewed_by = $2, review_reason = $3, reviewed_at = $4 \
             WHERE id = $5 AND review = 'pending'",
        )
        .bind(if approve { "approved" } else { "refused" })
        .bind(staff_id)
        .bind(reason)
        .bind(now)
        .bind(id)
        .execute(&state.pool)
        .await
        .map_err(AppError::internal)?;
        if decided.rows_affected() != 1 {
            return Err(gone());
        }
        let params = MessageParams {
            reference: Some(level(lvl)?.customer()),
            approved: Some(approve),
            reason: Some(reason.to_owned()),
            ..MessageParams::default()
        };
        tell(state, customer_id, MessageKind::AssessmentReviewed, params, &format!("assessment_reviewed:{id}"), now)
            .await?;
        Ok(customer_id)
    }

    /// Records the decision on a pending subscription; an approval moves the money in the same
    /// transaction (refused, with nothing written, if the account can no longer pay).
    pub async fn decide_subscription(
        state: &AppState,
        staff_id: i64,
        id: i64,
        approve: bool,
        reason: &str,
        now: i64,
    ) -> Result<i64, AppError> {
        let mut tx = state.pool.begin().await.map_err(AppError::internal)?;
        let customer_id: Option<i64> = sqlx::query_scalar(
            "UPDATE wealth_subscriptions SET status = $1, reviewed_by = $2, review_reason = $3, reviewed_at = $4 \
             WHERE id = $5 AND status = 'pending_review' RETURNING customer_id",
        )
        .bind(if approve { "completed" } else { "refused" })
        .bind(staff_id)
        .bind(reason)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(AppError::internal)?;
        let customer_id = customer_id.ok_or_else(gone)?;
        if approve {
            service::settle(&mut tx, customer_id, id, now).await?;
        }
        tx.commit().await.map_err(AppError::internal)?;
        let params = MessageParams {
            reference: Some(subscription_reference(id)),
            approved: Some(approve),
            reason: Some(reason.to_owned()),
            ..MessageParams::default()
        };
        tell(
            state,
            customer_id,
            MessageKind::SubscriptionReviewed,
            params,
            &format!("subscription_reviewed:{id}"),
            now,
        )
        .await?;
        Ok(customer_id)
    }
}

fn decision_error(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::Invalid { field, problem } if field == "reason" && problem == "too_long" => {
            td_string!(locale, wealth.reason_too_long, max = REASON_MAX).to_string()
        }
        AppError::Invalid { field, .. } if field == "reason" => {
            td_string!(locale, wealth.reason_too_short, min = REASON_MIN).to_string()
        }
        AppError::Invalid { field, .. } if field == "review" => td_string!(locale, wealth.already_decided).to_string(),
        AppError::Invalid { field, problem } if field == "subscription" => super::rules::Refusal::parse(problem)
            .map(|r| super::products::refusal_text(r, locale))
            .unwrap_or_else(|| td_string!(locale, error.generic).to_string()),
        _ => td_string!(locale, error.generic).to_string(),
    }
}

/// `/staff/wealth`: the queue.
#[component]
pub fn WealthReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let queue = crate::resource::blocking(|| (), |_| load_wealth_queue());
    let refused = crate::form::refusal::<DecideAssessment>().or_else(crate::form::refusal::<DecideSubscription>);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, wealth.queue_title).to_string()) />
        <section class="page staff-wealth">
            <p><a href="/staff/home">{tr!(i18n, wealth.staff_back)}</a></p>
            <h1>{tr!(i18n, wealth.queue_title)}</h1>
            <p class="lead">{tr!(i18n, wealth.queue_lead)}</p>
            <crate::form::DoneNote what="wealth-decided">{tr!(i18n, announce.done)}</crate::form::DoneNote>
            {refused.map(|e| view! { <p role="alert" class="error-box">{move || decision_error(&e, i18n.get_locale())}</p> })}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(queue.await).await {
                        Ok(q) => view! { <crate::form::CheckedForms><Queue queue=q /></crate::form::CheckedForms> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Queue(queue: WealthQueue) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let (no_retakes, no_subscriptions) = (queue.assessments.is_empty(), queue.subscriptions.is_empty());
    let assessments = queue.assessments.into_iter().map(|a| {
        let answers = a.answers.iter().enumerate().map(|(i, (q, ans))| {
            let (q, ans) = (q.clone(), ans.clone());
            view! { <div><dt>{i + 1} ". " {move || q.get(locale()).to_owned()}</dt><dd>{move || ans.get(locale()).to_owned()}</dd></div> }
        }).collect_view();
        let previous = a.previous;
        let heading = format!("{} {} · {}", a.customer_no, a.customer_name, a.age);
        view! {
            <li class="card">
                <h3>{heading}</h3>
                <p>
                    {move || td_string!(locale(), wealth.retake_summary,
                        previous = previous.map(|l| level_name(l, locale())).unwrap_or_default(),
                        level = level_name(a.level, locale()), score = a.score).to_string()}
                </p>
                <p class="hint">{move || format_datetime(a.signed_at, locale())}</p>
                <details><summary>{tr!(i18n, wealth.your_answers)}</summary><dl class="figures answers">{answers}</dl></details>
                {needs_line(a.needs.clone())}
                <Decide id=a.id subscription=false />
            </li>
        }
    }).collect_view();
    let subscriptions = queue.subscriptions.into_iter().map(|s| {
        let product = s.product.clone();
        let heading = format!("{} · {} {} · {}", s.reference, s.customer_no, s.customer_name, s.age);
        let money = move || format_money(Money::new(s.amount_minor, s.currency), locale());
        view! {
            <li class="card">
                <h3>{heading}</h3>
                <p>{move || product.get(locale()).to_owned()} " · " {s.risk.product()} " · " {money}</p>
                <p>{move || td_string!(locale(), wealth.level_at_time, level = s.level_at_time.customer()).to_string()} " · " {move || format_datetime(s.confirmed_at, locale())}</p>
                {needs_line(s.needs.clone())}
                <Decide id=s.id subscription=true />
            </li>
        }
    }).collect_view();
    view! {
        <h2 id="retakes-heading">{tr!(i18n, wealth.queue_retakes)}</h2>
        {no_retakes.then(|| view! { <p class="empty">{tr!(i18n, wealth.queue_empty)}</p> })}
        <ul class="cards" aria-labelledby="retakes-heading">{assessments}</ul>
        <h2 id="subs-heading">{tr!(i18n, wealth.queue_subscriptions)}</h2>
        {no_subscriptions.then(|| view! { <p class="empty">{tr!(i18n, wealth.queue_empty)}</p> })}
        <ul class="cards" aria-labelledby="subs-heading">{subscriptions}</ul>
    }
}

/// The customer's VIP needs form in one line, for the reviewer.
fn needs_line(needs: Option<super::needs::Needs>) -> impl IntoView {
    let i18n = use_i18n();
    needs.map(|n| {
        let text = move || {
            let locale = i18n.get_locale();
            let names: Vec<String> = n
                .funds_for
                .iter()
                .chain(n.wants.iter())
                .map(|c| super::needs::choice_name(c, locale))
                .chain([n.other.clone(), n.suggestions.clone()].into_iter().filter(|t| !t.is_empty()))
                .collect();
            names.join("、")
        };
        view! { <p class="hint">{tr!(i18n, needs.staff_line)} " " {text}</p> }
    })
}

/// Approve or refuse, with a reason: a plain HTML form (checked before it is sent by the queue's
/// [`crate::form::CheckedForms`]) posted to the server function, after which the queue comes
/// back without the item, saying so, or with the refusal at its top.
#[component]
fn Decide(id: i64, subscription: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let (to, id_name) = if subscription {
        (crate::form::post_to::<DecideSubscription>(), "subscription_id")
    } else {
        (crate::form::post_to::<DecideAssessment>(), "assessment_id")
    };
    let field_id = format!("reason-{}-{id}", if subscription { "s" } else { "a" });
    view! {
        <form class="form" method="post" action=to id=format!("decide-{field_id}")>
            <input type="hidden" name=id_name value=id />
            <div class="field">
                <label for=field_id.clone()>{tr!(i18n, wealth.reason)}</label>
                <textarea id=field_id.clone() name="reason" rows="2" minlength=REASON_MIN maxlength=REASON_MAX required aria-invalid="false"></textarea>
                <p class="error" id=format!("{field_id}-error") hidden>
                    {move || td_string!(locale(), wealth.reason_too_short, min = REASON_MIN).to_string()}
                </p>
            </div>
            <p class="actions">
                <button type="submit" class="button primary" name="approve" value="true">{tr!(i18n, wealth.approve)}</button>
                " "
                <button type="submit" class="button" name="approve" value="false">{tr!(i18n, wealth.refuse)}</button>
            </p>
        </form>
    }
}
