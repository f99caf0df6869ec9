//! The wealth SQL: the questionnaire as stored, attempts and signatures, the customer's standing,
//! the catalogue, and subscriptions. Every query is scoped to the signed-in customer. A
//! subscription debits the paying account, books the debit in its history and grows the holding
//! in one transaction; its idempotency key (the confirmation) is unique per customer, so the same
//! confirmation sent twice moves money once.

use super::rules::{self, Acknowledged, Bounds, InForce, Level, Payer, Refusal, Standing, Terms};
use super::{
    Assessment, Order, PayingAccount, Product, ProductPage, Question, Questionnaire, Review, Subscription,
    SubscriptionStatus, WealthHome, subscription_reference,
};
use crate::accounts::{AccountKind, AccountStatus, china_today};
use crate::appointments::Names;
use crate::error::AppError;
use crate::money::{Currency, Money};
use chrono::NaiveDate;
use sqlx::{Any, AnyPool, Transaction};

fn refused(refusal: Refusal) -> AppError {
    AppError::Invalid { field: "subscription".into(), problem: refusal.key().into() }
}

fn date(text: &str) -> Option<NaiveDate> {
    text.parse().ok()
}

/// A questionnaire version with what scoring needs: each option's score and experience flag.
pub struct Scheme {
    pub questionnaire: Questionnaire,
    pub bounds: Bounds,
    /// Per question, per option (1-based, in order): (score, experienced).
    pub scores: Vec<Vec<(u32, bool)>>,
}

impl Scheme {
    /// The total score of valid answers and whether they show the experience the age rule asks.
    pub fn score(&self, answers: &[u8]) -> (u32, bool) {
        let mut total = 0;
        let mut experienced = false;
        for (question, answer) in self.scores.iter().zip(answers) {
            if let Some((score, exp)) = question.get(usize::from(*answer).wrapping_sub(1)) {
                total += score;
                experienced |= exp;
            }
        }
        (total, experienced)
    }

    /// Stored answers (`rules::encode_answers`) as each question's text and the chosen option's.
    pub fn answered(&self, stored: &str) -> Vec<(Names, Names)> {
        let questions = &self.questionnaire.questions;
        let given = rules::decode_answers(stored, questions.len());
        questions
            .iter()
            .zip(given)
            .map(|(q, a)| {
                let chosen = q.options.iter().find(|(no, _)| *no == a).map(|(_, n)| n.clone()).unwrap_or_default();
                (q.text.clone(), chosen)
            })
            .collect()
    }
}

/// Which of a customer's attempts can be the one in force (`risk_assessments` as `a`): signed,
/// and not waiting for or refused at review. `IN_FORCE_ORDER` puts the one in force first.
pub const IN_FORCE_WHERE: &str = "a.signed_at IS NOT NULL AND (a.review IS NULL OR a.review = 'approved')";
pub const IN_FORCE_ORDER: &str = "ORDER BY a.signed_at DESC, a.id DESC";

/// The questionnaire `version`, or the newest one.
pub async fn scheme(pool: &AnyPool, version: Option<i64>) -> Result<Scheme, AppError> {
    let head: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT version, c2_from, c3_from, c4_from, c5_from FROM risk_questionnaires \
         WHERE ($1 = 0 OR version = $1) ORDER BY version DESC LIMIT 1",
    )
    .bind(version.unwrap_or(0))
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?;
    let (version, c2, c3, c4, c5) = head.ok_or(AppError::NotFound)?;
    let bound = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let questions: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT position, text_zh, text_en FROM risk_questions WHERE version = $1 ORDER BY position")
            .bind(version)
            .fetch_all(pool)
            .await
            .map_err(AppError::internal)?;
    let options: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT position, option_no, text_zh, text_en, score, experienced FROM risk_options \
         WHERE version = $1 ORDER BY position, option_no",
    )
    .bind(version)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
    let mut out = Vec::with_capacity(questions.len());
    let mut scores = Vec::with_capacity(questions.len());
    for (position, zh, en) in questions {
        let mine: Vec<_> = options.iter().filter(|o| o.0 == position).collect();
        out.push(Question {
            position: u8::try_from(position).unwrap_or(0),
            text: Names { zh, en },
            options: mine
                .iter()
                .map(|o| (u8::try_from(o.1).unwrap_or(0), Names { zh: o.2.clone(), en: o.3.clone() }))
                .collect(),
        });
        scores.push(mine.iter().map(|o| (u32::try_from(o.4).unwrap_or(0), o.5 != 0)).collect());
    }
    Ok(Scheme {
        questionnaire: Questionnaire { version, questions: out },
        bounds: Bounds { c2: bound(c2), c3: bound(c3), c4: bound(c4), c5: bound(c5) },
        scores,
    })
}

async fn age_of(pool: &AnyPool, customer_id: i64, today: NaiveDate) -> Result<u32, AppError> {
    let birth: String = sqlx::query_scalar("SELECT birth_date FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_one(pool)
        .await
        .map_err(AppError::internal)?;
    Ok(date(&birth).map_or(0, |b| rules::age_on(b, today)))
}

/// An attempt as stored, with how many attempts of its customer came after it.
#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: i64,
    version: i64,
    answers: String,
    score: i64,
    level: i64,
    capped: i64,
    age: i64,
    created_at: i64,
    signed_at: Option<i64>,
    expires_on: Option<String>,
    review: Option<String>,
    review_reason: Option<String>,
    later: i64,
}

async fn to_assessment(pool: &AnyPool, row: AssessmentRow) -> Result<Assessment, AppError> {
    let answers = scheme(pool, Some(row.version)).await?.answered(&row.answers);
    Ok(Assessment {
        id: row.id,
        version: row.version,
        score: u32::try_from(row.score).unwrap_or(0),
        level: Level::new(row.level).ok_or_else(|| AppError::internal("a stored level out of range"))?,
        capped: row.capped != 0,
        age: u32::try_from(row.age).unwrap_or(0),
        taken_at: row.created_at,
        signed_at: row.signed_at,
        expires_on: row.expires_on.as_deref().and_then(date),
        review: row.review.as_deref().and_then(Review::parse),
        review_reason: row.review_reason,
        answers,
        newest: row.later == 0,
    })
}

/// An attempt, the customer's own when `customer_id` is given (staff reviewing pass `None`).
pub async fn assessment_of(
    pool: &AnyPool,
    customer_id: Option<i64>,
    assessment_id: i64,
) -> Result<Option<Assessment>, AppError> {
    let row: Option<AssessmentRow> = sqlx::query_as(
        "SELECT a.id, a.version, a.answers, a.score, a.level, a.capped, a.age, a.created_at, a.signed_at, \
         a.expires_on, a.review, a.review_reason, \
         (SELECT COUNT(*) FROM risk_assessments b WHERE b.customer_id = a.customer_id AND b.id > a.id) AS later \
         FROM risk_assessments a WHERE a.id = $1 AND ($2 = 0 OR a.customer_id = $2)",
    )
    .bind(assessment_id)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?;
    match row {
        Some(row) => to_assessment(pool, row).await.map(Some),
        None => Ok(None),
    }
}

/// The customer's standing: the signed result in force (the newest signed one that is not
/// waiting for or refused at review), whether a signed retake waits for review, and whether the
/// newest attempt is unsigned.
pub async fn standing(pool: &AnyPool, customer_id: i64) -> Result<Standing, AppError> {
    standing_with(pool, customer_id, None).await.map(|(standing, _)| standing)
}

/// What the Wealth page's head counts besides the standing, read in the same statement.
struct Attempts {
    /// The customer's newest attempt, signed or not.
    newest_id: Option<i64>,
    /// Attempts submitted on the day asked for.
    on_day: u32,
}

/// The standing in one statement (every signed-in overview asks for it), and with `day` also the
/// newest attempt's id and the attempts submitted that day (the Wealth page's head; without
/// `day` the statement leaves those out, and they read none and 0): the result in force is
/// joined to one row that always exists, so that the counts come back without one.
async fn standing_with(
    pool: &AnyPool,
    customer_id: i64,
    day: Option<NaiveDate>,
) -> Result<(Standing, Attempts), AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Option<i64>,
        level: Option<i64>,
        signed_at: Option<i64>,
        expires_on: Option<String>,
        pending: i64,
        newest_unsigned: i64,
        newest_id: Option<i64>,
        on_day: i64,
    }
    let attempts = match day {
        Some(_) => {
            "(SELECT MAX(id) FROM risk_assessments WHERE customer_id = $1) AS newest_id, \
             (SELECT COUNT(*) FROM risk_assessments WHERE customer_id = $1 AND taken_on = $2) AS on_day"
        }
        None => "CAST(NULL AS BIGINT) AS newest_id, CAST(0 AS BIGINT) AS on_day",
    };
    let sql = format!(
        "SELECT f.id, f.level, f.signed_at, f.expires_on, \
           (SELECT COUNT(*) FROM risk_assessments WHERE customer_id = $1 AND signed_at IS NOT NULL AND review = 'pending') AS pending, \
           (SELECT COUNT(*) FROM risk_assessments WHERE customer_id = $1 AND signed_at IS NULL \
              AND id = (SELECT MAX(id) FROM risk_assessments WHERE customer_id = $1)) AS newest_unsigned, \
           {attempts} \
         FROM (SELECT 1 AS one) o LEFT JOIN risk_assessments f ON f.id = \
           (SELECT a.id FROM risk_assessments a WHERE a.customer_id = $1 AND {IN_FORCE_WHERE} {IN_FORCE_ORDER} LIMIT 1)"
    );
    let query = sqlx::query_as(&sql).bind(customer_id);
    let query = match day {
        Some(day) => query.bind(day.to_string()),
        None => query,
    };
    let row: Row = query.fetch_one(pool).await.map_err(AppError::internal)?;
    let in_force = match (row.id, row.level, row.signed_at, row.expires_on) {
        (None, ..) => None,
        (Some(id), Some(level), Some(signed_at), Some(expires_on)) => Some(InForce {
            assessment_id: id,
            level: Level::new(level).ok_or_else(|| AppError::internal("a stored level out of range"))?,
            signed_on: china_today(signed_at),
            expires_on: date(&expires_on).ok_or_else(|| AppError::internal("a stored expiry unreadable"))?,
        }),
        (Some(_), ..) => return Err(AppError::internal("a result in force without its level, signature or expiry")),
    };
    let standing = Standing { in_force, awaiting_review: row.pending > 0, unsigned: row.newest_unsigned > 0 };
    Ok((standing, Attempts { newest_id: row.newest_id, on_day: u32::try_from(row.on_day).unwrap_or(u32::MAX) }))
}

/// How many attempts the customer submitted on `day`.
async fn attempts_on(pool: &AnyPool, customer_id: i64, day: NaiveDate) -> Result<u32, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM risk_assessments WHERE customer_id = $1 AND taken_on = $2")
        .bind(customer_id)
        .bind(day.to_string())
        .fetch_one(pool)
        .await
        .map_err(AppError::internal)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Scores and keeps an attempt. Refused with the first question left unanswered, or when the
/// day's two attempts are used (the day's attempt number is unique, so two sent at once cannot
/// both be the second).
pub async fn submit(pool: &AnyPool, customer_id: i64, answers: &str, now: i64) -> Result<Assessment, AppError> {
    let scheme = scheme(pool, None).await?;
    let counts: Vec<u8> =
        scheme.questionnaire.questions.iter().map(|q| u8::try_from(q.options.len()).unwrap_or(0)).collect();
    let given = rules::decode_answers(answers, counts.len());
    if let Err(problem) = rules::check_answers(&counts, &given) {
        let which = match problem {
            rules::AnswerProblem::Missing(n) => n,
            rules::AnswerProblem::TooMany => 0,
        };
        return Err(AppError::Invalid { field: "answers".into(), problem: format!("missing:{which}") });
    }
    let today = china_today(now);
    let age = age_of(pool, customer_id, today).await?;
    let (score, experienced) = scheme.score(&given);
    let scored = rules::assess(score, scheme.bounds, age, experienced);
    let daily_limit = || AppError::Invalid { field: "answers".into(), problem: "daily_limit".into() };
    let attempt = rules::attempt_of_day(attempts_on(pool, customer_id, today).await?).ok_or_else(daily_limit)?;
    let current = standing(pool, customer_id).await?;
    let review = current
        .in_force
        .is_some_and(|f| rules::retake_needs_review(Some((f.level, f.signed_on)), scored.level, today))
        .then_some(Review::Pending.as_str());
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO risk_assessments (customer_id, version, answers, score, level, capped, age, channel, taken_on, \
         attempt_of_day, created_at, review) VALUES ($1, $2, $3, $4, $5, $6, $7, 'web', $8, $9, $10, $11) \
         ON CONFLICT (customer_id, taken_on, attempt_of_day) DO NOTHING RETURNING id",
    )
    .bind(customer_id)
    .bind(scheme.questionnaire.version)
    .bind(rules::encode_answers(&given))
    .bind(i64::from(scored.score))
    .bind(i64::from(scored.level.get()))
    .bind(i64::from(scored.capped))
    .bind(i64::from(age))
    .bind(today.to_string())
    .bind(i64::from(attempt))
    .bind(now)
    .bind(review)
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?;
    let id = id.ok_or_else(daily_limit)?;
    assessment_of(pool, Some(customer_id), id)
        .await?
        .ok_or_else(|| AppError::internal("the attempt just stored is gone"))
}

/// Only the customer's own newest attempt, not yet signed, can be signed.
pub async fn may_sign(pool: &AnyPool, customer_id: i64, assessment_id: i64) -> Result<Assessment, AppError> {
    let found = assessment_of(pool, Some(customer_id), assessment_id).await?.ok_or(AppError::NotFound)?;
    if found.signed_at.is_some() {
        return Err(AppError::Invalid { field: "assessment".into(), problem: "already_signed".into() });
    }
    if !found.newest {
        return Err(AppError::Invalid { field: "assessment".into(), problem: "superseded".into() });
    }
    Ok(found)
}

/// Signs the attempt: valid for 12 months from today.
pub async fn sign(pool: &AnyPool, customer_id: i64, assessment_id: i64, now: i64) -> Result<Assessment, AppError> {
    let expires = rules::expires_on(china_today(now));
    let signed = sqlx::query(
        "UPDATE risk_assessments SET signed_at = $1, expires_on = $2 \
         WHERE id = $3 AND customer_id = $4 AND signed_at IS NULL",
    )
    .bind(now)
    .bind(expires.to_string())
    .bind(assessment_id)
    .bind(customer_id)
    .execute(pool)
    .await
    .map_err(AppError::internal)?;
    if signed.rows_affected() != 1 {
        return Err(AppError::Invalid { field: "assessment".into(), problem: "already_signed".into() });
    }
    assessment_of(pool, Some(customer_id), assessment_id).await?.ok_or(AppError::NotFound)
}

/// The Wealth page's head.
pub async fn home(pool: &AnyPool, customer_id: i64, now: i64) -> Result<WealthHome, AppError> {
    let today = china_today(now);
    let (standing, attempts) = standing_with(pool, customer_id, Some(today)).await?;
    let newest = match attempts.newest_id {
        Some(id) => assessment_of(pool, Some(customer_id), id).await?,
        None => None,
    };
    let attempts_left_today = rules::MAX_ATTEMPTS_PER_DAY.saturating_sub(attempts.on_day);
    let subscriptions = subscriptions_of(pool, customer_id, None, now).await?;
    let needs = super::needs::ssr::needs_of(pool, customer_id).await?;
    Ok(WealthHome { standing, today, newest, attempts_left_today, subscriptions, needs })
}

/// A product as stored (one row, read by column name).
#[derive(sqlx::FromRow)]
struct ProductRow {
    id: i64,
    code: String,
    name_zh: String,
    name_en: String,
    kind: String,
    risk: i64,
    currency: String,
    min_minor: i64,
    step_minor: i64,
    term_days: Option<i64>,
    yield_low_bp: Option<i64>,
    yield_high_bp: Option<i64>,
    benchmark_zh: String,
    benchmark_en: String,
    subscription_fee_bp: i64,
    management_fee_bp: i64,
    window_opens: Option<String>,
    window_closes: Option<String>,
    private_placement: i64,
    disclosure_version: String,
    disclosure_zh: String,
    disclosure_en: String,
}

/// The catalogue (or the product with `code`), lowest risk first.
async fn load_products(pool: &AnyPool, code: Option<&str>) -> Result<Vec<ProductRow>, AppError> {
    sqlx::query_as(
        "SELECT id, code, name_zh, name_en, kind, risk, currency, min_minor, step_minor, term_days, yield_low_bp, \
         yield_high_bp, benchmark_zh, benchmark_en, subscription_fee_bp, management_fee_bp, window_opens, window_closes, \
         private_placement, disclosure_version, disclosure_zh, disclosure_en FROM wealth_products \
         WHERE ($1 = '' OR code = $1) ORDER BY risk, id",
    )
    .bind(code.unwrap_or(""))
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)
}

fn to_product(row: ProductRow, standing: &Standing, today: NaiveDate) -> Result<Product, AppError> {
    let risk = Level::new(row.risk).ok_or_else(|| AppError::internal("a product's risk out of range"))?;
    Ok(Product {
        id: row.id,
        code: row.code,
        name: Names { zh: row.name_zh, en: row.name_en },
        kind: row.kind,
        risk,
        currency: Currency::parse(&row.currency).map_err(AppError::internal)?,
        min_minor: row.min_minor,
        step_minor: row.step_minor,
        term_days: row.term_days,
        yield_bp: row.yield_low_bp.zip(row.yield_high_bp),
        benchmark: Names { zh: row.benchmark_zh, en: row.benchmark_en },
        subscription_fee_bp: row.subscription_fee_bp,
        management_fee_bp: row.management_fee_bp,
        window: row.window_opens.as_deref().and_then(date).zip(row.window_closes.as_deref().and_then(date)),
        private_placement: row.private_placement != 0,
        disclosure_version: row.disclosure_version,
        disclosure: Names { zh: row.disclosure_zh, en: row.disclosure_en },
        suitability: rules::suitability(standing, risk, today),
    })
}

/// The catalogue with each product's badge for the customer.
pub async fn products(pool: &AnyPool, customer_id: i64, now: i64) -> Result<Vec<Product>, AppError> {
    let today = china_today(now);
    let standing = standing(pool, customer_id).await?;
    load_products(pool, None).await?.into_iter().map(|row| to_product(row, &standing, today)).collect()
}

/// The customer's demand accounts in `currency`, as the subscription form offers them.
async fn paying_accounts(pool: &AnyPool, customer_id: i64, currency: Currency) -> Result<Vec<PayingAccount>, AppError> {
    let accounts = crate::accounts::service::accounts_of(pool, customer_id).await.map_err(AppError::internal)?;
    Ok(accounts
        .into_iter()
        .filter(|a| a.kind == AccountKind::Demand && a.currency == currency && a.status != AccountStatus::Closed)
        .map(|a| PayingAccount {
            id: a.id,
            label: format!("{} {}", a.product_name, a.masked_number),
            available_minor: a.available_minor,
            can_pay: crate::accounts::rules::can_move_money(a.status),
        })
        .collect())
}

pub async fn product_page(pool: &AnyPool, customer_id: i64, code: &str, now: i64) -> Result<ProductPage, AppError> {
    product_page_and_age(pool, customer_id, code, now).await.map(|(page, _)| page)
}

/// A product's page and the customer's age on its day (which the order's checks also need).
async fn product_page_and_age(
    pool: &AnyPool,
    customer_id: i64,
    code: &str,
    now: i64,
) -> Result<(ProductPage, u32), AppError> {
    let today = china_today(now);
    let standing = standing(pool, customer_id).await?;
    let row = load_products(pool, Some(code)).await?.pop().ok_or(AppError::NotFound)?;
    let product = to_product(row, &standing, today)?;
    let age = age_of(pool, customer_id, today).await?;
    let page = ProductPage {
        accounts: paying_accounts(pool, customer_id, product.currency).await?,
        elder_warning: rules::needs_elder_review(age, product.risk),
        product,
        standing,
        today,
    };
    Ok((page, age))
}

/// An order that passed every check, with what the subscription records.
pub struct Checked {
    pub product: Product,
    pub account_id: i64,
    pub amount_minor: i64,
    pub level: Level,
    pub assessment_id: i64,
    pub disclosure_version: String,
    pub elder_review: bool,
}

/// Every check of an order against the customer's standing, the product's terms and the paying
/// account, refused with the reason (`Invalid { field: "subscription", problem }`) or, for an
/// amount that does not read as money, `Invalid { field: "amount" }`.
pub async fn check_order(pool: &AnyPool, customer_id: i64, order: &Order, now: i64) -> Result<Checked, AppError> {
    let (page, age) = product_page_and_age(pool, customer_id, &order.product, now).await?;
    let product = page.product;
    let amount = Money::parse(&order.amount, product.currency)
        .map_err(|_| AppError::Invalid { field: "amount".into(), problem: "unreadable".into() })?;
    // Someone else's account, or one that cannot pay in this currency, is not offered at all.
    let account = page.accounts.iter().find(|a| a.id == order.account_id).ok_or(AppError::NotFound)?;
    let terms = Terms {
        risk: product.risk,
        min_minor: product.min_minor,
        step_minor: product.step_minor,
        window: product.window,
    };
    let payer = Payer { can_pay: account.can_pay, available_minor: account.available_minor };
    let acknowledged = Acknowledged { disclosure: order.disclosure, elder_warning: order.elder_warning };
    rules::check_subscription(&page.standing, terms, amount.minor, payer, age, acknowledged, page.today)
        .map_err(refused)?;
    let in_force = page.standing.in_force.ok_or_else(|| refused(Refusal::AssessmentMissing))?;
    Ok(Checked {
        account_id: account.id,
        amount_minor: amount.minor,
        level: in_force.level,
        assessment_id: in_force.assessment_id,
        disclosure_version: product.disclosure_version.clone(),
        elder_review: rules::needs_elder_review(age, product.risk),
        product,
    })
}

type SubscriptionRow =
    (i64, i64, i64, String, i64, i64, Option<i64>, Option<i64>, Option<String>, String, String, String, String, String);

const SUBSCRIPTION_COLUMNS: &str = "SELECT s.id, s.amount_minor, s.confirmed_at, s.status, s.paying_account_id, \
     s.product_id, s.holding_account_id, s.cooling_off_ends_at, s.review_reason, s.currency, p.code, p.name_zh, \
     p.name_en, a.masked_number FROM wealth_subscriptions s JOIN wealth_products p ON p.id = s.product_id \
     JOIN accounts a ON a.id = s.paying_account_id";

fn to_subscription(row: SubscriptionRow, now: i64) -> Result<Subscription, AppError> {
    let (
        id,
        amount,
        confirmed_at,
        status,
        _paying,
        _product,
        holding,
        cooling_off,
        reason,
        currency,
        code,
        zh,
        en,
        masked,
    ) = row;
    let status = SubscriptionStatus::parse(&status);
    Ok(Subscription {
        id,
        reference: subscription_reference(id),
        product_code: code,
        product: Names { zh, en },
        amount_minor: amount,
        currency: Currency::parse(&currency).map_err(AppError::internal)?,
        status,
        confirmed_at,
        paying_account: masked,
        holding_account_id: holding,
        cooling_off_ends_at: cooling_off,
        may_cancel: status == SubscriptionStatus::Completed && rules::may_cancel(cooling_off, now),
        review_reason: reason,
    })
}

/// The customer's subscriptions, newest first (or the one with `id`).
pub async fn subscriptions_of(
    pool: &AnyPool,
    customer_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<Vec<Subscription>, AppError> {
    let rows: Vec<SubscriptionRow> = sqlx::query_as(&format!(
        "{SUBSCRIPTION_COLUMNS} WHERE s.customer_id = $1 AND ($2 = 0 OR s.id = $2) ORDER BY s.confirmed_at DESC, s.id DESC"
    ))
    .bind(customer_id)
    .bind(id.unwrap_or(0))
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
    rows.into_iter().map(|r| to_subscription(r, now)).collect()
}

/// The subscription a confirmation made, if it went through already.
pub async fn subscription_by_key(
    pool: &AnyPool,
    customer_id: i64,
    key: &str,
    now: i64,
) -> Result<Option<Subscription>, AppError> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM wealth_subscriptions WHERE customer_id = $1 AND idempotency_key = $2")
            .bind(customer_id)
            .bind(key)
            .fetch_optional(pool)
            .await
            .map_err(AppError::internal)?;
    match id {
        Some(id) => Ok(subscriptions_of(pool, customer_id, Some(id), now).await?.pop()),
        None => Ok(None),
    }
}

/// Records a checked, confirmed order once per idempotency key. A customer aged 65 or more buying
/// R4/R5 waits for staff review; everyone else's money moves now, in the same transaction.
pub async fn subscribe(
    pool: &AnyPool,
    customer_id: i64,
    checked: &Checked,
    key: &str,
    now: i64,
) -> Result<Subscription, AppError> {
    let mut tx = pool.begin().await.map_err(AppError::internal)?;
    let status = if checked.elder_review { SubscriptionStatus::PendingReview } else { SubscriptionStatus::Completed };
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO wealth_subscriptions (customer_id, product_id, paying_account_id, amount_minor, currency, status, \
         idempotency_key, assessment_id, level_at_time, disclosure_version, elder_warning, channel, confirmed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'web', $12) \
         ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(customer_id)
    .bind(checked.product.id)
    .bind(checked.account_id)
    .bind(checked.amount_minor)
    .bind(checked.product.currency.code().to_owned())
    .bind(status.as_str())
    .bind(key)
    .bind(checked.assessment_id)
    .bind(i64::from(checked.level.get()))
    .bind(&checked.disclosure_version)
    .bind(i64::from(checked.elder_review))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(AppError::internal)?;
    let Some(id) = id else {
        // The same confirmation went through a moment ago: answer what it made.
        drop(tx);
        return subscription_by_key(pool, customer_id, key, now)
            .await?
            .ok_or_else(|| AppError::internal("an idempotency key taken by nothing"));
    };
    if status == SubscriptionStatus::Completed {
        settle(&mut tx, customer_id, id, now).await?;
    }
    tx.commit().await.map_err(AppError::internal)?;
    subscriptions_of(pool, customer_id, Some(id), now).await?.pop().ok_or(AppError::NotFound)
}

/// Moves a subscription's money: the paying account (the customer's own, active, with enough
/// available) is debited and the debit booked in its history; the holding of the product is
/// opened or grows. Refused, with nothing written, when the account cannot pay any more.
pub async fn settle(
    tx: &mut Transaction<'_, Any>,
    customer_id: i64,
    subscription_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let (product_id, paying, amount, currency, name_zh, private): (i64, i64, i64, String, String, i64) = sqlx::query_as(
        "SELECT s.product_id, s.paying_account_id, s.amount_minor, s.currency, p.name_zh, p.private_placement \
         FROM wealth_subscriptions s JOIN wealth_products p ON p.id = s.product_id WHERE s.id = $1 AND s.customer_id = $2",
    )
    .bind(subscription_id)
    .bind(customer_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    let debited: Option<i64> = sqlx::query_scalar(
        "UPDATE accounts SET available_balance_minor = available_balance_minor - $1, \
         ledger_balance_minor = ledger_balance_minor - $1 \
         WHERE id = $2 AND customer_id = $3 AND kind = 'demand' AND status = 'active' AND currency = $4 \
         AND available_balance_minor >= $1 RETURNING ledger_balance_minor",
    )
    .bind(amount)
    .bind(paying)
    .bind(customer_id)
    .bind(&currency)
    .fetch_optional(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    let Some(balance_after) = debited else {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM accounts WHERE id = $1")
            .bind(paying)
            .fetch_optional(&mut **tx)
            .await
            .map_err(AppError::internal)?;
        let active =
            status.as_deref().and_then(AccountStatus::parse).is_some_and(crate::accounts::rules::can_move_money);
        return Err(refused(if active { Refusal::ShortOfFunds } else { Refusal::AccountFrozen }));
    };
    let reference = subscription_reference(subscription_id);
    let debit = Line {
        account_id: paying,
        amount: -amount,
        balance_after,
        reference: format!("{reference}-D"),
        description: "理财产品申购",
        product: &name_zh,
    };
    book(tx, debit, &currency, now).await?;
    let holding = holding_account(tx, customer_id, product_id, &currency, &name_zh, subscription_id, now).await?;
    let holding_balance: i64 = sqlx::query_scalar(
        "UPDATE accounts SET available_balance_minor = available_balance_minor + $1, \
         ledger_balance_minor = ledger_balance_minor + $1 WHERE id = $2 RETURNING ledger_balance_minor",
    )
    .bind(amount)
    .bind(holding)
    .fetch_one(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    let credit = Line {
        account_id: holding,
        amount,
        balance_after: holding_balance,
        reference: format!("{reference}-H"),
        description: "理财产品申购",
        product: &name_zh,
    };
    book(tx, credit, &currency, now).await?;
    sqlx::query(
        "UPDATE wealth_subscriptions SET status = 'completed', holding_account_id = $1, settled_at = $2, \
         cooling_off_ends_at = $3 WHERE id = $4",
    )
    .bind(holding)
    .bind(now)
    .bind(rules::cooling_off_ends(private != 0, now))
    .bind(subscription_id)
    .execute(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    Ok(())
}

/// One line of a subscription (or its refund) in an account's history.
struct Line<'a> {
    account_id: i64,
    amount: i64,
    balance_after: i64,
    reference: String,
    description: &'static str,
    product: &'a str,
}

async fn book(tx: &mut Transaction<'_, Any>, line: Line<'_>, currency: &str, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO transactions (account_id, booked_at, value_date, amount_minor, currency, balance_after_minor, \
         description, counterparty, category, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'investment', $9)",
    )
    .bind(line.account_id)
    .bind(now)
    .bind(china_today(now).to_string())
    .bind(line.amount)
    .bind(currency)
    .bind(line.balance_after)
    .bind(line.description)
    .bind(line.product)
    .bind(line.reference)
    .execute(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    Ok(())
}

/// The customer's holding of the product: its wealth account, opened on the first subscription.
async fn holding_account(
    tx: &mut Transaction<'_, Any>,
    customer_id: i64,
    product_id: i64,
    currency: &str,
    name: &str,
    subscription_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT account_id FROM wealth_holdings WHERE customer_id = $1 AND product_id = $2")
            .bind(customer_id)
            .bind(product_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(AppError::internal)?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let number = format!("62880000{subscription_id:011}");
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (customer_id, kind, product_name, number, masked_number, currency, ledger_balance_minor, \
         available_balance_minor, opened_on, status, created_at) VALUES ($1, 'wealth', $2, $3, $4, $5, 0, 0, $6, 'active', $7) \
         RETURNING id",
    )
    .bind(customer_id)
    .bind(name)
    .bind(&number)
    .bind(crate::accounts::mask_account_number(&number))
    .bind(currency)
    .bind(china_today(now).to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    let tied = sqlx::query(
        "INSERT INTO wealth_holdings (account_id, customer_id, product_id) VALUES ($1, $2, $3) \
         ON CONFLICT (customer_id, product_id) DO NOTHING",
    )
    .bind(account)
    .bind(customer_id)
    .bind(product_id)
    .execute(&mut **tx)
    .await
    .map_err(AppError::internal)?;
    if tied.rows_affected() == 1 {
        return Ok(account);
    }
    // Another subscription to the product opened the holding a moment ago: use that one.
    sqlx::query("DELETE FROM accounts WHERE id = $1")
        .bind(account)
        .execute(&mut **tx)
        .await
        .map_err(AppError::internal)?;
    sqlx::query_scalar("SELECT account_id FROM wealth_holdings WHERE customer_id = $1 AND product_id = $2")
        .bind(customer_id)
        .bind(product_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(AppError::internal)
}

/// Cancels a completed private placement within its cooling-off window: the holding goes down,
/// the paying account is refunded in full, both booked, in one transaction.
pub async fn cancel(
    pool: &AnyPool,
    customer_id: i64,
    subscription_id: i64,
    now: i64,
) -> Result<Subscription, AppError> {
    let found =
        subscriptions_of(pool, customer_id, Some(subscription_id), now).await?.pop().ok_or(AppError::NotFound)?;
    if !found.may_cancel {
        return Err(AppError::Invalid { field: "subscription".into(), problem: "not_cancellable".into() });
    }
    let mut tx = pool.begin().await.map_err(AppError::internal)?;
    let claimed = sqlx::query(
        "UPDATE wealth_subscriptions SET status = 'cancelled', cancelled_at = $1 \
         WHERE id = $2 AND customer_id = $3 AND status = 'completed' AND cooling_off_ends_at > $1",
    )
    .bind(now)
    .bind(subscription_id)
    .bind(customer_id)
    .execute(&mut *tx)
    .await
    .map_err(AppError::internal)?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::Invalid { field: "subscription".into(), problem: "not_cancellable".into() });
    }
    let (paying, holding, amount, currency, name): (i64, i64, i64, String, String) = sqlx::query_as(
        "SELECT s.paying_account_id, s.holding_account_id, s.amount_minor, s.currency, p.name_zh \
         FROM wealth_subscriptions s JOIN wealth_products p ON p.id = s.product_id WHERE s.id = $1",
    )
    .bind(subscription_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(AppError::internal)?;
    let reference = subscription_reference(subscription_id);
    for (account, delta, suffix) in [(holding, -amount, "-HC"), (paying, amount, "-R")] {
        let balance: i64 = sqlx::query_scalar(
            "UPDATE accounts SET available_balance_minor = available_balance_minor + $1, \
             ledger_balance_minor = ledger_balance_minor + $1 WHERE id = $2 RETURNING ledger_balance_minor",
        )
        .bind(delta)
        .bind(account)
        .fetch_one(&mut *tx)
        .await
        .map_err(AppError::internal)?;
        let line = Line {
            account_id: account,
            amount: delta,
            balance_after: balance,
            reference: format!("{reference}{suffix}"),
            description: "理财产品撤单退款",
            product: &name,
        };
        book(&mut tx, line, &currency, now).await?;
    }
    tx.commit().await.map_err(AppError::internal)?;
    subscriptions_of(pool, customer_id, Some(subscription_id), now).await?.pop().ok_or(AppError::NotFound)
}

/// Reminds each customer, once, that the assessment in force expires within 30 days (the alert
/// job; several instances may run it at once: the one that stamps `reminded_at` posts).
pub async fn remind_expiring(pool: &AnyPool, gateway: &crate::notify::Gateway, now: i64) -> Result<u32, sqlx::Error> {
    use crate::messages::{MessageKind, MessageParams, service::NewMessage};
    let today = china_today(now);
    let horizon = today + chrono::Duration::days(rules::REMINDER_DAYS);
    // Each customer's attempt in force, where it expires within the horizon and was not reminded.
    let due: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT r.id, r.customer_id, r.expires_on FROM risk_assessments r \
         WHERE r.reminded_at IS NULL AND r.expires_on >= $1 AND r.expires_on <= $2 \
         AND r.id = (SELECT a.id FROM risk_assessments a WHERE a.customer_id = r.customer_id AND {IN_FORCE_WHERE} \
                     {IN_FORCE_ORDER} LIMIT 1)"
    ))
    .bind(today.to_string())
    .bind(horizon.to_string())
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for (id, customer_id, expires_on) in due {
        let Some(expires) = date(&expires_on).filter(|e| rules::reminder_due(*e, today)) else { continue };
        let claimed = sqlx::query("UPDATE risk_assessments SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let key = format!("assessment_expiring:{id}");
        let message = NewMessage {
            customer_id,
            kind: MessageKind::AssessmentExpiring,
            params: MessageParams { date: Some(expires), ..MessageParams::default() },
            account_id: None,
            dedupe_key: Some(&key),
        };
        if crate::messages::service::post(pool, gateway, message, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}
