//! Alerts, messages and the monthly statement against a real database: the alert job posts each
//! alert once (however often it runs) and sends it as the customer chose; the inbox and the
//! settings are the customer's own; the statement adds up.

mod common;

use app::accounts::service::china_midnight;
use app::messages::alerts::AlertSettings;
use app::messages::service::{mark_read, run_alerts, save_alert_settings, unread_count};
use chrono::NaiveDate;
use common::{TestApp, server_fn_request, signed_in, split};
use http::StatusCode;

async fn first_account(app: &TestApp, customer_id: i64, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE customer_id = $1 AND kind = $2 ORDER BY id LIMIT 1")
        .bind(customer_id)
        .bind(kind)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn messages_of(app: &TestApp, customer_id: i64, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = $2")
        .bind(customer_id)
        .bind(kind)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// Outbox lines of `kind` sent to `to`.
fn sent(app: &TestApp, to: &str, kind: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(&app.config.portal.outbox_path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|m| m["to"] == to && m["kind"] == kind)
        .collect()
}

fn at(date: NaiveDate, hour: i64) -> i64 {
    china_midnight(date) + hour * 3600
}

#[tokio::test]
async fn a_balance_alert_goes_out_once_per_fall_below_the_threshold() {
    let app = TestApp::spawn(&[]).await;
    let (pool, gateway) = (&app.state.pool, &app.state.gateway);
    let now = chrono::Utc::now().timestamp();
    let account = first_account(&app, 12, "demand").await;
    let available: i64 = sqlx::query_scalar("SELECT available_balance_minor FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap();
    let above = AlertSettings { low_balance_minor: Some(available + 100), due_reminder_days: 3 };
    save_alert_settings(pool, account, &above, now).await.unwrap();

    let first = run_alerts(pool, gateway, now, None).await.unwrap();
    assert!(first.balance_alerts >= 1, "{first:?}");
    assert_eq!(messages_of(&app, 12, "low_balance").await, 1);
    let sms = sent(&app, "13800000012", "message_low_balance");
    assert_eq!(sms.len(), 1, "by SMS, the default channel");
    assert_eq!(sms[0]["channel"], "sms");
    assert!(sms[0]["body"].as_str().unwrap().contains("可用余额"), "in the customer's language: {}", sms[0]["body"]);

    let again = run_alerts(pool, gateway, now + 3600, None).await.unwrap();
    assert_eq!(again.balance_alerts, 0, "the same fall is not alerted twice");
    assert_eq!(messages_of(&app, 12, "low_balance").await, 1);

    // Back above the threshold re-arms; the next fall alerts again.
    let below = AlertSettings { low_balance_minor: Some(1), ..above };
    save_alert_settings(pool, account, &below, now).await.unwrap();
    run_alerts(pool, gateway, now + 7200, Some(account)).await.unwrap();
    assert_eq!(messages_of(&app, 12, "low_balance").await, 1);
    save_alert_settings(pool, account, &above, now).await.unwrap();
    run_alerts(pool, gateway, now + 10_800, Some(account)).await.unwrap();
    assert_eq!(messages_of(&app, 12, "low_balance").await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn card_and_loan_reminders_come_the_chosen_days_ahead_once_per_due_date() {
    let app = TestApp::spawn(&[]).await;
    let (pool, gateway) = (&app.state.pool, &app.state.gateway);
    let card = first_account(&app, 1, "credit_card").await;
    let loan = first_account(&app, 1, "loan").await;
    // Something owed on the card, due on the 12th; the loan due on the 20th.
    sqlx::query("UPDATE accounts SET ledger_balance_minor = -300000, due_day = 12 WHERE id = $1")
        .bind(card)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE accounts SET due_day = 20 WHERE id = $1").bind(loan).execute(pool).await.unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();

    run_alerts(pool, gateway, at(day(8), 9), None).await.unwrap();
    assert_eq!(messages_of(&app, 1, "card_due").await, 0, "four days ahead is too early for the default 3");
    run_alerts(pool, gateway, at(day(9), 9), None).await.unwrap();
    assert_eq!(messages_of(&app, 1, "card_due").await, 1);
    run_alerts(pool, gateway, at(day(10), 9), None).await.unwrap();
    run_alerts(pool, gateway, at(day(12), 9), None).await.unwrap();
    assert_eq!(messages_of(&app, 1, "card_due").await, 1, "one reminder per due date");
    assert_eq!(sent(&app, "13800000001", "message_card_due").len(), 1);

    // The loan reminder a week ahead, as chosen.
    save_alert_settings(pool, loan, &AlertSettings { low_balance_minor: None, due_reminder_days: 7 }, 0).await.unwrap();
    run_alerts(pool, gateway, at(day(13), 9), None).await.unwrap();
    assert_eq!(messages_of(&app, 1, "loan_due").await, 1);
    let params: String =
        sqlx::query_scalar("SELECT params FROM notifications WHERE customer_id = 1 AND kind = 'loan_due'")
            .fetch_one(pool)
            .await
            .unwrap();
    let params: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(params["date"], "2027-03-20");
    assert!(params["amount_minor"].as_i64().unwrap() > 0);
    app.cleanup().await;
}

#[tokio::test]
async fn alerts_go_by_e_mail_too_when_chosen_and_only_with_an_address() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000016", "13800000016", now).await;
    let body = "sms=false&email=true";
    let (res, text) = split(app.send(server_fn_request("/api/messages/preferences/save", &session, body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let account = first_account(&app, 16, "demand").await;
    let settings = AlertSettings { low_balance_minor: Some(i64::MAX / 4), due_reminder_days: 3 };
    save_alert_settings(&app.state.pool, account, &settings, now).await.unwrap();
    run_alerts(&app.state.pool, &app.state.gateway, now, Some(account)).await.unwrap();
    assert_eq!(sent(&app, "customer16@example.com", "message_low_balance").len(), 1);
    assert!(sent(&app, "13800000016", "message_low_balance").is_empty(), "SMS switched off");

    // Without an address on file, e-mail cannot be chosen.
    sqlx::query("UPDATE customers SET email = NULL WHERE id = 16").execute(&app.state.pool).await.unwrap();
    let (res, text) = split(app.send(server_fn_request("/api/messages/preferences/save", &session, body)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("email"), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_inbox_and_its_count_are_the_customers_own() {
    let app = TestApp::spawn(&[]).await;
    let (pool, gateway) = (&app.state.pool, &app.state.gateway);
    let now = chrono::Utc::now().timestamp();
    for customer in [17, 18] {
        let account = first_account(&app, customer, "demand").await;
        let settings = AlertSettings { low_balance_minor: Some(i64::MAX / 4), due_reminder_days: 3 };
        save_alert_settings(pool, account, &settings, now).await.unwrap();
    }
    run_alerts(pool, gateway, now, None).await.unwrap();
    let theirs: i64 = sqlx::query_scalar("SELECT id FROM notifications WHERE customer_id = 18 LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let session = signed_in(&app, "C000017", "13800000017", now).await;

    let (res, text) = split(app.send(server_fn_request("/api/messages/list", &session, "")).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(!list.is_empty());
    let mine: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM notifications WHERE customer_id = 17").fetch_all(pool).await.unwrap();
    assert!(list.iter().all(|m| mine.contains(&m["id"].as_i64().unwrap())), "only one's own messages");
    let (_, count) = split(app.send(server_fn_request("/api/messages/unread", &session, "")).await).await;
    assert_eq!(count, mine.len().to_string());
    // A server-rendered page's navigation counts them too (read with the customer's name, in the
    // header's one query), and says nothing once they are read.
    let cookie = format!("portal_session={}", session.access_token);
    let nav_count = |html: &str| {
        let nav = &html[html.find(r#"id="main-nav""#).expect("the navigation")..];
        nav.split_once(r#"<span class="count">"#)
            .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
    };
    let (_, html) = app.get("/messages", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(nav_count(&html), Some(mine.len().to_string()));

    let body = format!("message_id={theirs}");
    let (res, _) = split(app.send(server_fn_request("/api/messages/read", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another customer's message");
    assert_eq!(unread_count(pool, 18).await.unwrap(), 1, "and it stays unread");

    let body = format!("message_id={}", mine[0]);
    let (res, _) = split(app.send(server_fn_request("/api/messages/read", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (res, _) = split(app.send(server_fn_request("/api/messages/read", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "reading a read message again is fine");
    assert_eq!(mark_read(pool, 17, None, now).await.unwrap() as usize, mine.len() - 1);
    assert_eq!(unread_count(pool, 17).await.unwrap(), 0);
    let (_, html) = app.get("/messages", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(nav_count(&html), None);

    // A visitor's navigation asks too, and hears 0.
    let visitor = http::Request::post("/api/messages/unread")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::empty())
        .unwrap();
    let (res, count) = split(app.send(visitor).await).await;
    assert_eq!((res.status(), count.as_str()), (StatusCode::OK, "0"));
    app.cleanup().await;
}

#[tokio::test]
async fn alert_settings_are_checked_and_only_for_ones_own_accounts() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000019", "13800000019", now).await;
    let mine = first_account(&app, 19, "demand").await;
    let theirs = first_account(&app, 20, "demand").await;
    let save =
        |account: i64, low: &str, days: &str| format!("account_id={account}&low_balance={low}&reminder_days={days}");
    let endpoint = "/api/messages/account-alerts/save";
    let (res, text) = split(app.send(server_fn_request(endpoint, &session, &save(mine, "abc", "3"))).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("low_balance"), "the field is named: {text}");
    let (res, text) = split(app.send(server_fn_request(endpoint, &session, &save(mine, "", "31"))).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("reminder_days"), "{text}");
    let (res, _) = split(app.send(server_fn_request(endpoint, &session, &save(theirs, "500", "3"))).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account_alerts WHERE account_id IN ($1, $2)")
        .bind(mine)
        .bind(theirs)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing half-written");

    let (res, text) = split(app.send(server_fn_request(endpoint, &session, &save(mine, "1,234.5", "5"))).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let body = format!("account_id={mine}");
    let (_, text) = split(app.send(server_fn_request("/api/messages/account-alerts", &session, &body)).await).await;
    let settings: AlertSettings = serde_json::from_str(&text).unwrap();
    assert_eq!(settings, AlertSettings { low_balance_minor: Some(123_450), due_reminder_days: 5 });
    // The account page, as the server sends it (before any script runs), shows them.
    let cookie = format!("portal_session={}", session.access_token);
    let (res, html) = app.get(&format!("/accounts/{mine}"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let field = html.split("id=\"low-balance\"").nth(1).and_then(|rest| rest.split('>').next()).unwrap_or_default();
    assert!(field.contains("value=\"1234.50\""), "the saved threshold is not in the field: {field}");
    let body = format!("account_id={theirs}");
    let (res, _) = split(app.send(server_fn_request("/api/messages/account-alerts", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn a_monthly_statement_adds_up_and_is_the_owners_only() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000021", "13800000021", now).await;
    let cookie = format!("portal_session={}", session.access_token);
    let mine = first_account(&app, 21, "demand").await;
    let theirs = first_account(&app, 22, "demand").await;
    let today = app::accounts::china_today(now);
    let month = app::accounts::statement::statement_month(None, today).unwrap();
    let m = month.format("%Y-%m").to_string();

    let body = format!("account_id={mine}&month={m}");
    let (res, text) = split(app.send(server_fn_request("/api/accounts/statement", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let s: app::accounts::statement::Statement = serde_json::from_str(&text).unwrap();
    assert!(!s.rows.is_empty(), "a month of a current account has transactions");
    assert!(s.rows.windows(2).all(|w| (w[0].booked_at, w[0].id) <= (w[1].booked_at, w[1].id)), "oldest first");
    assert_eq!(s.totals.closing_minor, s.rows.last().unwrap().balance_after_minor, "closing = running balance");
    assert_eq!(s.totals.opening_minor, s.rows[0].balance_after_minor - s.rows[0].amount_minor);
    let (start, end) = (china_midnight(s.from), china_midnight(s.to + chrono::Duration::days(1)));
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM transactions WHERE account_id = $1 AND booked_at >= $2 AND booked_at < $3",
    )
    .bind(mine)
    .bind(start)
    .bind(end)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(s.rows.len() as i64, count, "every transaction of the month");

    let (res, html) = app
        .get(&format!("/accounts/{mine}/statement?month={m}"), &[("accept", "text/html"), ("cookie", &cookie)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains("安心银行") && html.contains("期初余额") && html.contains("期末余额"), "bank, balances");
    assert_eq!(html.matches("<tr>").count() as i64, count + 2, "a row per transaction, the header and the totals");

    let body = format!("account_id={theirs}&month={m}");
    let (res, _) = split(app.send(server_fn_request("/api/accounts/statement", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, html) =
        app.get(&format!("/accounts/{theirs}/statement"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!html.contains("期初余额"));

    let body = format!("account_id={mine}&month=1999-01");
    let (res, text) = split(app.send(server_fn_request("/api/accounts/statement", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("month"));
    app.cleanup().await;
}
