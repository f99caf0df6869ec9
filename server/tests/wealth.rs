//! Wealth products against a real database, through the server functions: the questionnaire is
//! scored (with the age rule), signed with a code and limited to two attempts a day; a retake
//! that raises the level waits for review; a subscription is refused for every reason the rules
//! know, moves money once even when the same confirmation is sent twice at once, and is refunded
//! in full within a private placement's cooling-off window; a customer aged 65 or more buying
//! R4/R5 waits for a supervisor; staff and other customers can neither act nor read.

mod common;

use app::auth::service::IssuedSession;
use common::{TestApp, call, code_of_kind_sent_to, server_fn_json_request, signed_in, split, staff_signed_in};
use http::StatusCode;
use serde_json::{Value, json};

/// Answers (one option number per question) and the level they reach for a customer under 65.
const C5: &str = "2.5.5.5.5.5.4.3.4.4";
const C3: &str = "2.3.3.3.3.3.3.2.3.3";
const C2: &str = "2.2.2.2.2.2.2.2.2.2";
/// 44 points with less than 5 years' experience of funds or shares; the same with 5 years or more.
const ELDER_UNEXPERIENCED: &str = "4.5.5.5.3.5.4.3.4.4";
const ELDER_EXPERIENCED: &str = "4.5.5.5.4.5.4.3.4.4";

async fn scalar(app: &TestApp, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(&app.state.pool).await.unwrap()
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
}

/// Lets a new code of any purpose be sent to `principal` at once (the once-a-minute and
/// five-an-hour limits count the codes sent before, which these tests age by an hour).
async fn allow_new_code(app: &TestApp, principal: &str) {
    sqlx::query("UPDATE one_time_codes SET sent_at = sent_at - 3700 WHERE principal = $1")
        .bind(principal)
        .execute(&app.state.pool)
        .await
        .unwrap();
}

/// Submits answers and signs the result with the code sent to `phone`; answers the attempt.
async fn assess(app: &TestApp, who: &IssuedSession, principal: &str, phone: &str, answers: &str) -> Value {
    let (status, text) = call(app, "/api/wealth/assessments/submit", who, &format!("answers={answers}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let id = json_of(&text)["id"].as_i64().unwrap();
    allow_new_code(app, principal).await;
    let (status, text) = call(app, "/api/wealth/assessments/sign/start", who, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let challenge = json_of(&text)["id"].as_str().unwrap().to_owned();
    let code = code_of_kind_sent_to(app, phone, "sign_assessment_code");
    let body = format!("assessment_id={id}&challenge_id={challenge}&code={code}");
    let (status, text) = call(app, "/api/wealth/assessments/sign", who, &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    json_of(&text)
}

fn order(product: &str, account_id: i64, amount: &str, disclosure: bool, elder: bool) -> Value {
    json!({ "product": product, "account_id": account_id, "amount": amount, "disclosure": disclosure, "elder_warning": elder })
}

async fn json_call(app: &TestApp, endpoint: &str, who: &IssuedSession, body: Value) -> (StatusCode, String) {
    let (res, text) = split(app.send(server_fn_json_request(endpoint, who, body)).await).await;
    (res.status(), text)
}

/// Step one of a subscription: the refusal's key, or the challenge id.
async fn start(app: &TestApp, who: &IssuedSession, principal: &str, o: Value) -> Result<String, String> {
    allow_new_code(app, principal).await;
    let (status, text) = json_call(app, "/api/wealth/subscribe/start", who, json!({ "order": o })).await;
    if status == StatusCode::OK {
        Ok(json_of(&text)["id"].as_str().unwrap().to_owned())
    } else {
        Err(format!("{status} {text}"))
    }
}

/// A subscription's confirmation: step one passed, with the code sent to `phone`.
async fn confirmation(app: &TestApp, who: &IssuedSession, principal: &str, phone: &str, o: Value) -> Value {
    let challenge = start(app, who, principal, o.clone()).await.unwrap();
    let code = code_of_kind_sent_to(app, phone, "subscribe_code");
    json!({ "order": o, "challenge_id": challenge, "code": code })
}

/// Both steps of a subscription: the status and the answer of the confirmation.
async fn buy(app: &TestApp, who: &IssuedSession, principal: &str, phone: &str, o: Value) -> (StatusCode, String) {
    let body = confirmation(app, who, principal, phone, o).await;
    json_call(app, "/api/wealth/subscribe", who, body).await
}

async fn demand_account(app: &TestApp, customer_id: i64, balance_minor: i64) -> i64 {
    let id = scalar(
        app,
        "SELECT MIN(id) FROM accounts WHERE customer_id = $1 AND kind = 'demand' AND currency = 'CNY' AND status = 'active'",
        customer_id,
    )
    .await;
    sqlx::query("UPDATE accounts SET available_balance_minor = $1, ledger_balance_minor = $1 WHERE id = $2")
        .bind(balance_minor)
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn the_questionnaire_is_scored_signed_and_limited_to_two_a_day() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000020", "13800000020", now).await;
    let other = signed_in(&app, "C000021", "13800000021", now).await;
    let staff = staff_signed_in(&app, "S0101", "13900000101", now).await;

    // The questionnaire is data: ten questions of version 1, in both languages.
    let (status, text) = call(&app, "/api/wealth/questionnaire", &customer, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let q = json_of(&text);
    assert_eq!(q["version"], 1);
    assert_eq!(q["questions"].as_array().unwrap().len(), 10);
    assert!(q["questions"][8]["text"]["en"].as_str().unwrap().contains("fell in value"));

    // A question left out is named; nothing is stored.
    let (status, text) = call(&app, "/api/wealth/assessments/submit", &customer, "answers=2.5.5.0.5.5.4.3.4.4").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("missing:4"), "{text}");
    let (status, text) = call(&app, "/api/wealth/assessments/submit", &customer, "answers=2.5.5.5.5.5.4.9.4.4").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("missing:8"), "{text}");
    // Staff never submit a questionnaire for a customer.
    let (status, _) = call(&app, "/api/wealth/assessments/submit", &staff, &format!("answers={C5}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM risk_assessments WHERE $1 = $1", 0).await, 0);

    // Unsigned, a result is kept but does not count: the badge says so.
    let (status, text) = call(&app, "/api/wealth/assessments/submit", &customer, &format!("answers={C5}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let first = json_of(&text);
    assert_eq!(
        (first["score"].as_i64(), first["level"].as_i64(), first["capped"].as_bool()),
        (Some(49), Some(5), Some(false))
    );
    assert!(first["signed_at"].is_null());
    let (_, text) = json_call(&app, "/api/wealth/products", &customer, json!({ "filter": {} })).await;
    let products = json_of(&text);
    assert_eq!(products.as_array().unwrap().len(), 12, "{text}");
    assert!(products.as_array().unwrap().iter().all(|p| p["suitability"] == "unsigned"), "{text}");
    // Nobody else reads or signs it.
    let id = first["id"].as_i64().unwrap();
    let (status, _) = call(&app, "/api/wealth/assessments/get", &other, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "/api/wealth/assessments/sign/start", &other, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "/api/wealth/assessments/sign/start", &staff, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A wrong code signs nothing; the right one signs it, valid 12 months.
    let (status, text) =
        call(&app, "/api/wealth/assessments/sign/start", &customer, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let challenge = json_of(&text)["id"].as_str().unwrap().to_owned();
    let code = code_of_kind_sent_to(&app, "13800000020", "sign_assessment_code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = call(
        &app,
        "/api/wealth/assessments/sign",
        &customer,
        &format!("assessment_id={id}&challenge_id={challenge}&code={wrong}"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, text) = call(
        &app,
        "/api/wealth/assessments/sign",
        &customer,
        &format!("assessment_id={id}&challenge_id={challenge}&code={code}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let signed = json_of(&text);
    let today = app::accounts::china_today(now);
    assert_eq!(signed["expires_on"], app::wealth::rules::expires_on(today).to_string());
    let (_, text) = json_call(&app, "/api/wealth/products", &customer, json!({ "filter": { "risk": 2 } })).await;
    let products = json_of(&text);
    assert!(
        products.as_array().unwrap().iter().all(|p| p["suitability"] == "suitable" && p["risk"].as_i64() <= Some(2)),
        "{text}"
    );
    // Signing is once.
    let (status, text) =
        call(&app, "/api/wealth/assessments/sign/start", &customer, &format!("assessment_id={id}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("already_signed"), "{text}");

    // Two submissions a day; the third is refused, also when two are sent at once.
    let retake = format!("answers={C3}");
    let (a, b) = tokio::join!(
        call(&app, "/api/wealth/assessments/submit", &customer, &retake),
        call(&app, "/api/wealth/assessments/submit", &customer, &retake),
    );
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY), "{a:?} {b:?}");
    assert!(a.1.contains("daily_limit") || b.1.contains("daily_limit"));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM risk_assessments WHERE customer_id = $1", 20).await, 2);
    // Every attempt is kept with its version, answers, score, level and channel.
    let (version, answers, channel): (i64, String, String) =
        sqlx::query_as("SELECT version, answers, channel FROM risk_assessments WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!((version, answers.as_str(), channel.as_str()), (1, C5, "web"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_subscription_is_refused_for_each_reason_and_moves_money_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let principal = "customer:22";
    let customer = signed_in(&app, "C000022", "13800000022", now).await;
    let other = signed_in(&app, "C000023", "13800000023", now).await;
    let staff = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let paying = demand_account(&app, 22, 2_000_000).await; // 20,000 yuan
    let others_account = demand_account(&app, 23, 2_000_000).await;
    let refused = |r: Result<String, String>, key: &str| {
        let text = r.expect_err("refused");
        assert!(text.contains("422") && text.contains(key), "{key}: {text}");
    };

    // Without an assessment nothing can be bought.
    refused(
        start(&app, &customer, principal, order("AX-FI-91", paying, "1000", true, false)).await,
        "assessment_missing",
    );
    assess(&app, &customer, principal, "13800000022", C3).await;

    refused(start(&app, &customer, principal, order("AX-EQ-01", paying, "50000", true, false)).await, "above_level");
    refused(start(&app, &customer, principal, order("AX-FI-91", paying, "999", true, false)).await, "below_minimum");
    refused(start(&app, &customer, principal, order("AX-FI-91", paying, "1050", true, false)).await, "off_step");
    refused(
        start(&app, &customer, principal, order("AX-FI-365", paying, "10000", true, false)).await,
        "outside_window",
    );
    refused(start(&app, &customer, principal, order("AX-EQ-TECH", paying, "50000", true, false)).await, "above_level");
    refused(start(&app, &customer, principal, order("AX-FI-91", paying, "30000", true, false)).await, "short_of_funds");
    refused(start(&app, &customer, principal, order("AX-FI-91", paying, "1000", false, false)).await, "disclosure");
    let unreadable = start(&app, &customer, principal, order("AX-FI-91", paying, "lots", true, false)).await;
    assert!(unreadable.unwrap_err().contains("amount"));
    // Someone else's account is not offered.
    let err =
        start(&app, &customer, principal, order("AX-FI-91", others_account, "1000", true, false)).await.unwrap_err();
    assert!(err.starts_with("404"), "{err}");
    // Staff never subscribe for a customer.
    let (status, _) = json_call(
        &app,
        "/api/wealth/subscribe/start",
        &staff,
        json!({ "order": order("AX-FI-91", paying, "1000", true, false) }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM wealth_subscriptions WHERE $1 = $1", 0).await, 0);

    // Accepted: the same confirmation sent twice at once subscribes once.
    let o = order("AX-FI-91", paying, "1,500.00", true, false);
    let body = confirmation(&app, &customer, principal, "13800000022", o).await;
    let (a, b) = tokio::join!(
        json_call(&app, "/api/wealth/subscribe", &customer, body.clone()),
        json_call(&app, "/api/wealth/subscribe", &customer, body.clone()),
    );
    assert!(a.0 == StatusCode::OK || b.0 == StatusCode::OK, "{a:?} {b:?}");
    let done = json_of(if a.0 == StatusCode::OK { &a.1 } else { &b.1 });
    assert_eq!(done["status"], "completed");
    // A retry after the answer was lost finds the same subscription.
    let (status, text) = json_call(&app, "/api/wealth/subscribe", &customer, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json_of(&text)["reference"], done["reference"]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM wealth_subscriptions WHERE customer_id = $1", 22).await, 1);

    // Balance, history and holding agree.
    assert_eq!(
        scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await,
        2_000_000 - 150_000
    );
    assert_eq!(
        scalar(&app, "SELECT ledger_balance_minor FROM accounts WHERE id = $1", paying).await,
        2_000_000 - 150_000
    );
    let (amount, after): (i64, i64) = sqlx::query_as(
        "SELECT amount_minor, balance_after_minor FROM transactions WHERE account_id = $1 AND category = 'investment'",
    )
    .bind(paying)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!((amount, after), (-150_000, 2_000_000 - 150_000));
    let holding = done["holding_account_id"].as_i64().unwrap();
    assert_eq!(
        scalar(&app, "SELECT ledger_balance_minor FROM accounts WHERE id = $1 AND kind = 'wealth'", holding).await,
        150_000
    );
    let (status, text) = call(&app, "/api/accounts/overview", &customer, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("安心稳盈 91 天"), "the holding is on the overview: {text}");
    // A second subscription to the same product grows the same holding.
    let o2 = order("AX-FI-91", paying, "1000", true, false);
    let (status, text) = buy(&app, &customer, principal, "13800000022", o2).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json_of(&text)["holding_account_id"].as_i64(), Some(holding));
    assert_eq!(scalar(&app, "SELECT ledger_balance_minor FROM accounts WHERE id = $1", holding).await, 250_000);
    // Two confirmations of the first purchase of another product, sent at once: both go
    // through, into one holding.
    let mut confirmations = Vec::new();
    for amount in ["1000", "2000"] {
        let o = order("AX-CASH-01", paying, amount, true, false);
        confirmations.push(confirmation(&app, &customer, principal, "13800000022", o).await);
    }
    // Asking for the second code aged the first (see `allow_new_code`): it was sent just now.
    sqlx::query("UPDATE one_time_codes SET sent_at = $1 WHERE id = $2")
        .bind(now)
        .bind(confirmations[0]["challenge_id"].as_str().unwrap())
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        json_call(&app, "/api/wealth/subscribe", &customer, confirmations[0].clone()),
        json_call(&app, "/api/wealth/subscribe", &customer, confirmations[1].clone()),
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{a:?} {b:?}");
    let (ha, hb) = (json_of(&a.1)["holding_account_id"].as_i64(), json_of(&b.1)["holding_account_id"].as_i64());
    assert_eq!(ha, hb);
    assert_eq!(scalar(&app, "SELECT ledger_balance_minor FROM accounts WHERE id = $1", ha.unwrap()).await, 300_000);
    // Another customer never sees it; a cooling-off cancel is only for private placements.
    let (_, text) = call(&app, "/api/wealth/home", &other, "").await;
    assert!(json_of(&text)["subscriptions"].as_array().unwrap().is_empty(), "{text}");
    let sub_id = done["id"].as_i64().unwrap();
    let (status, _) = call(&app, "/api/wealth/cancel", &other, &format!("subscription_id={sub_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text) = call(&app, "/api/wealth/cancel", &customer, &format!("subscription_id={sub_id}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    // What was confirmed is recorded, with the subscription and in the audit trail.
    let (level, disclosure, channel): (i64, String, String) =
        sqlx::query_as("SELECT level_at_time, disclosure_version, channel FROM wealth_subscriptions WHERE id = $1")
            .bind(sub_id)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!((level, disclosure.as_str(), channel.as_str()), (3, "2026-12 v1", "web"));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'wealth_subscribed' AND actor_id = $1", 22).await,
        4
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_frozen_account_cannot_pay() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    // C000011 holds a frozen current account beside an active one.
    let customer = signed_in(&app, "C000011", "13800000011", now).await;
    assess(&app, &customer, "customer:11", "13800000011", C3).await;
    let frozen = scalar(&app, "SELECT id FROM accounts WHERE customer_id = $1 AND status = 'frozen'", 11).await;
    sqlx::query("UPDATE accounts SET available_balance_minor = 5000000 WHERE id = $1")
        .bind(frozen)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let err = start(&app, &customer, "customer:11", order("AX-FI-91", frozen, "1000", true, false)).await.unwrap_err();
    assert!(err.contains("account_frozen"), "{err}");
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", frozen).await, 5_000_000);
    app.cleanup().await;
}

#[tokio::test]
async fn a_private_placement_is_refunded_in_full_within_its_cooling_off() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000024", "13800000024", now).await;
    let paying = demand_account(&app, 24, 150_000_000).await; // 1.5 million yuan
    assess(&app, &customer, "customer:24", "13800000024", C5).await;
    let o = order("AX-PP-01", paying, "1000000", true, false);
    let (status, text) = buy(&app, &customer, "customer:24", "13800000024", o).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let done = json_of(&text);
    assert_eq!(done["may_cancel"], true);
    let ends = done["cooling_off_ends_at"].as_i64().unwrap();
    assert!((ends - now - 86_400).abs() < 60, "{ends}");
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 50_000_000);
    let id = done["id"].as_i64().unwrap();
    let (status, text) = call(&app, "/api/wealth/cancel", &customer, &format!("subscription_id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json_of(&text)["status"], "cancelled");
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 150_000_000);
    let holding = done["holding_account_id"].as_i64().unwrap();
    assert_eq!(scalar(&app, "SELECT ledger_balance_minor FROM accounts WHERE id = $1", holding).await, 0);
    // Debit and refund are both in the history.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM transactions WHERE account_id = $1 AND category = 'investment'", paying)
            .await,
        2
    );
    // Cancelled once only.
    let (status, _) = call(&app, "/api/wealth/cancel", &customer, &format!("subscription_id={id}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 150_000_000);
    app.cleanup().await;
}

#[tokio::test]
async fn from_65_the_level_is_capped_and_high_risk_waits_for_a_supervisor() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    // C000005 to C000009 are 65 or older.
    let customer = signed_in(&app, "C000005", "13800000005", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let paying = demand_account(&app, 5, 10_000_000).await;

    let (status, text) =
        call(&app, "/api/wealth/assessments/submit", &customer, &format!("answers={ELDER_UNEXPERIENCED}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let capped = json_of(&text);
    assert_eq!((capped["level"].as_i64(), capped["capped"].as_bool()), (Some(3), Some(true)), "{text}");
    let signed = assess(&app, &customer, "customer:5", "13800000005", ELDER_EXPERIENCED).await;
    assert_eq!((signed["level"].as_i64(), signed["capped"].as_bool()), (Some(5), Some(false)));

    // The extra warning must be acknowledged; then the request waits, and no money moves.
    let refused =
        start(&app, &customer, "customer:5", order("AX-EQ-01", paying, "50000", true, false)).await.unwrap_err();
    assert!(refused.contains("elder_warning"), "{refused}");
    let o = order("AX-EQ-01", paying, "50000", true, true);
    let (status, text) = buy(&app, &customer, "customer:5", "13800000005", o).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let waiting = json_of(&text);
    assert_eq!(waiting["status"], "pending_review");
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 10_000_000);

    // Only supervisors see the queue and decide, with a reason.
    let (status, _) = call(&app, "/api/staff/wealth/queue", &agent, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&app, "/api/staff/wealth/queue", &customer, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) = call(&app, "/api/staff/wealth/queue", &supervisor, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let queue = json_of(&text);
    assert_eq!(queue["subscriptions"][0]["reference"], waiting["reference"], "{text}");
    assert_eq!(queue["subscriptions"][0]["level_at_time"], 5, "{text}");
    assert!(queue["subscriptions"][0]["needs"].is_null(), "C000005 never filled the needs form in: {text}");
    let id = waiting["id"].as_i64().unwrap();
    let (status, text) = call(
        &app,
        "/api/staff/wealth/subscription",
        &supervisor,
        &format!("subscription_id={id}&approve=true&reason=ok"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed: {text}");
    let reason = "Customer+confirmed+by+phone+that+they+understand+the+risk.";
    let (status, text) = call(
        &app,
        "/api/staff/wealth/subscription",
        &supervisor,
        &format!("subscription_id={id}&approve=true&reason={reason}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 5_000_000);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'subscription_reviewed'", 5)
            .await,
        1
    );
    // Decided once.
    let (status, _) = call(
        &app,
        "/api/staff/wealth/subscription",
        &supervisor,
        &format!("subscription_id={id}&approve=true&reason={reason}"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(scalar(&app, "SELECT available_balance_minor FROM accounts WHERE id = $1", paying).await, 5_000_000);
    app.cleanup().await;
}

#[tokio::test]
async fn a_retake_that_raises_the_level_waits_for_review() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000025", "13800000025", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    assess(&app, &customer, "customer:25", "13800000025", C2).await;
    let needs =
        json!({ "needs": { "funds_for": ["education"], "wants": ["forex"], "other": "养老", "suggestions": "" } });
    let (status, text) = json_call(&app, "/api/wealth/needs/save", &customer, needs).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let retake = assess(&app, &customer, "customer:25", "13800000025", C5).await;
    assert_eq!(retake["review"], "pending");
    // The supervisor sees it with the level in force before it, the answers and the needs form.
    let (status, text) = call(&app, "/api/staff/wealth/queue", &supervisor, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let queue = json_of(&text);
    let queued = queue["assessments"].as_array().unwrap().iter().find(|a| a["id"] == retake["id"]).expect("queued");
    assert_eq!((queued["previous"].as_i64(), queued["level"].as_i64()), (Some(2), Some(5)), "{queued}");
    assert_eq!(queued["customer_no"], "C000025");
    let answers = queued["answers"].as_array().unwrap();
    assert_eq!(answers.len(), C5.split('.').count(), "{queued}");
    for answer in answers {
        assert!(answer[0]["zh"].as_str().is_some_and(|q| !q.is_empty()), "{answer}");
        assert!(answer[1]["en"].as_str().is_some_and(|a| !a.is_empty()), "an answer not found: {answer}");
    }
    assert_eq!(queued["needs"]["funds_for"], json!(["education"]), "{queued}");
    assert_eq!((&queued["needs"]["wants"], &queued["needs"]["other"]), (&json!(["forex"]), &json!("养老")), "{queued}");
    // The level in force stays C2; above it the badge says the review is awaited.
    let (_, text) = call(&app, "/api/wealth/standing", &customer, "").await;
    let standing = json_of(&text);
    assert_eq!(standing[0]["in_force"]["level"], 2, "{text}");
    assert_eq!(standing[0]["awaiting_review"], true);
    let (_, text) = json_call(&app, "/api/wealth/products", &customer, json!({ "filter": {} })).await;
    for p in json_of(&text).as_array().unwrap() {
        let want = if p["risk"].as_i64() <= Some(2) { "suitable" } else { "awaiting_review" };
        assert_eq!(p["suitability"], want, "{p}");
    }
    // Refused with a reason: the customer is told, C2 stays.
    let id = retake["id"].as_i64().unwrap();
    let (status, text) = call(
        &app,
        "/api/staff/wealth/assessment",
        &supervisor,
        &format!("assessment_id={id}&approve=false&reason=Income+not+consistent+with+the+last+answers."),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/wealth/standing", &customer, "").await;
    let standing = json_of(&text);
    assert_eq!(
        (standing[0]["in_force"]["level"].as_i64(), standing[0]["awaiting_review"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'assessment_reviewed'", 25)
            .await,
        1
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_standing_and_the_wealth_page_head_read_none_then_unsigned_then_in_force() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000027", "13800000027", now).await;
    let standing = |text: String| {
        let s = json_of(&text)[0].clone();
        (s["in_force"]["level"].as_i64(), s["awaiting_review"].as_bool(), s["unsigned"].as_bool())
    };
    // The Wealth page's head: the newest attempt (its id and whether signed) and the attempts
    // left today, read with the standing.
    let home = async || {
        let (status, text) = call(&app, "/api/wealth/home", &customer, "").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let home = json_of(&text);
        let newest = home["newest"]["id"].as_i64().map(|id| (id, home["newest"]["signed_at"].is_i64()));
        (home["standing"]["unsigned"].as_bool(), newest, home["attempts_left_today"].as_i64())
    };
    let (status, text) = call(&app, "/api/wealth/standing", &customer, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(json_of(&text)[0]["in_force"].is_null(), "{text}");
    assert_eq!(standing(text), (None, Some(false), Some(false)));
    assert_eq!(home().await, (Some(false), None, Some(2)));
    // Submitted, not signed: nothing in force, the newest attempt unsigned.
    let (status, text) = call(&app, "/api/wealth/assessments/submit", &customer, &format!("answers={C3}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let first = json_of(&text)["id"].as_i64().unwrap();
    let (_, text) = call(&app, "/api/wealth/standing", &customer, "").await;
    assert_eq!(standing(text), (None, Some(false), Some(true)));
    assert_eq!(home().await, (Some(true), Some((first, false)), Some(1)));
    // Taken again and signed: in force, nothing unsigned, no attempt left today.
    let signed = assess(&app, &customer, "customer:27", "13800000027", C3).await;
    let (_, text) = call(&app, "/api/wealth/standing", &customer, "").await;
    assert_eq!(standing(text.clone()), (Some(3), Some(false), Some(false)), "{text}");
    assert_eq!(home().await, (Some(false), Some((signed["id"].as_i64().unwrap(), true)), Some(0)));
    app.cleanup().await;
}

#[tokio::test]
async fn the_vip_needs_form_is_kept_with_the_profile_and_shown_to_the_reviewer() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000026", "13800000026", now).await;
    let staff = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let needs = json!({ "needs": { "funds_for": ["gold", "savings", "casino"], "wants": ["forex"], "other": " 养老 ", "suggestions": "" } });
    let (status, _) = json_call(&app, "/api/wealth/needs/save", &staff, needs.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) = json_call(&app, "/api/wealth/needs/save", &customer, needs).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Sent again, it replaces the first.
    let again =
        json!({ "needs": { "funds_for": ["education", "gold"], "wants": [], "other": "养老", "suggestions": "" } });
    let (status, _) = json_call(&app, "/api/wealth/needs/save", &customer, again).await;
    assert_eq!(status, StatusCode::OK);
    let (_, text) = call(&app, "/api/wealth/home", &customer, "").await;
    let home = json_of(&text);
    assert_eq!(home["needs"]["funds_for"], json!(["education", "gold"]), "{text}");
    assert_eq!(home["needs"]["other"], "养老");
    let long = json!({ "needs": { "funds_for": [], "wants": [], "other": "", "suggestions": "长".repeat(501) } });
    let (status, text) = json_call(&app, "/api/wealth/needs/save", &customer, long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("suggestions"), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_customer_is_reminded_once_thirty_days_before_the_assessment_expires() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000027", "13800000027", now).await;
    let signed = assess(&app, &customer, "customer:27", "13800000027", C3).await;
    let id = signed["id"].as_i64().unwrap();
    let pool = &app.state.pool;
    let today = app::accounts::china_today(now);
    // Not yet: more than 30 days left.
    assert_eq!(app::wealth::service::remind_expiring(pool, &app.state.gateway, now).await.unwrap(), 0);
    sqlx::query("UPDATE risk_assessments SET expires_on = $1 WHERE id = $2")
        .bind((today + chrono::Duration::days(30)).to_string())
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(app::wealth::service::remind_expiring(pool, &app.state.gateway, now).await.unwrap(), 1);
    assert_eq!(app::wealth::service::remind_expiring(pool, &app.state.gateway, now).await.unwrap(), 0);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'assessment_expiring'", 27)
            .await,
        1
    );
    // Expired, it no longer counts: the badge says so and buying is refused.
    sqlx::query("UPDATE risk_assessments SET expires_on = $1 WHERE id = $2")
        .bind((today - chrono::Duration::days(1)).to_string())
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    let (_, text) = json_call(&app, "/api/wealth/products", &customer, json!({ "filter": { "risk": 1 } })).await;
    assert!(json_of(&text).as_array().unwrap().iter().all(|p| p["suitability"] == "expired"), "{text}");
    let paying = demand_account(&app, 27, 1_000_000).await;
    let err = start(&app, &customer, "customer:27", order("AX-CASH-01", paying, "100", true, false)).await.unwrap_err();
    assert!(err.contains("assessment_expired"), "{err}");
    app.cleanup().await;
}
