//! Accounts and history against a real database: the overview, the scoping to the signed-in
//! customer, filters, keyset pagination while rows arrive, and tampered cursors.

mod common;

use app::accounts::filter::{Filter, FilterQuery};
use app::accounts::service::{accounts_of, history};
use app::accounts::{AccountStatus, china_today};
use common::{TestApp, server_fn_json_request, server_fn_request, signed_in, split};
use http::StatusCode;
use serde_json::json;

async fn first_account(app: &TestApp, customer_id: i64, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE customer_id = $1 AND kind = $2 ORDER BY id LIMIT 1")
        .bind(customer_id)
        .bind(kind)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

fn filter(pairs: &[(&str, &str)]) -> Filter {
    let mut q = FilterQuery { period: Some("12m".into()), ..FilterQuery::default() };
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "period" => q.period = v,
            "dir" => q.dir = v,
            "min" => q.min = v,
            "max" => q.max = v,
            "q" => q.q = v,
            "category" => q.category = v,
            _ => unreachable!(),
        }
    }
    q.check(china_today(chrono::Utc::now().timestamp())).unwrap()
}

#[tokio::test]
async fn the_overview_holds_every_account_of_the_customer_and_only_theirs() {
    let app = TestApp::spawn(&[]).await;
    let accounts = accounts_of(&app.state.pool, 11).await.unwrap();
    let in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE customer_id = 11")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(accounts.len() as i64, in_db);
    assert!(accounts.iter().any(|a| a.status == AccountStatus::Frozen), "C000011's frozen account is shown");
    assert!(accounts.iter().all(|a| !a.masked_number.is_empty() && a.masked_number.contains("****")));

    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000011", "13800000011", now).await;
    let (res, body) = split(app.send(server_fn_request("/api/accounts/overview", &session, "")).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    let overview: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(overview["accounts"].as_array().unwrap().len() as i64, in_db);
    assert!(overview["totals"][0]["currency"] == "CNY");
    let (_, page) = app
        .get("/accounts", &[("accept", "text/html"), ("cookie", &format!("portal_session={}", session.access_token))])
        .await;
    assert!(page.contains("已冻结") && page.contains("资产总览"), "status in words and the totals on the page");
    app.cleanup().await;
}

#[tokio::test]
async fn another_customers_account_answers_not_found_everywhere() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let theirs = first_account(&app, 13, "demand").await;
    let mine = first_account(&app, 12, "demand").await;
    let session = signed_in(&app, "C000012", "13800000012", now).await;
    let cookie = format!("portal_session={}", session.access_token);

    let body = format!("account_id={theirs}");
    let (res, text) = split(app.send(server_fn_request("/api/accounts/account", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "{text}");
    assert!(!text.contains("****"), "nothing of the account leaks: {text}");
    let body = json!({ "account_id": theirs, "filter": {}, "cursor": null });
    let (res, text) = split(app.send(server_fn_json_request("/api/accounts/history", &session, body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "{text}");
    let (res, html) = app.get(&format!("/accounts/{theirs}"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!html.contains("****"));

    // The same requests for one's own account answer.
    let body = json!({ "account_id": mine, "filter": {}, "cursor": null });
    let (res, text) = split(app.send(server_fn_json_request("/api/accounts/history", &session, body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (res, html) =
        app.get(&format!("/accounts/{mine}?period=12m"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        html.matches(r#"<li class="tx">"#).count(),
        50,
        "the first page is in the first response (no WASM needed)"
    );
    assert!(html.contains("after="), "with the link to the next page");
    app.cleanup().await;
}

#[tokio::test]
async fn a_tampered_cursor_is_refused_with_a_named_problem() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let mine = first_account(&app, 14, "demand").await;
    let session = signed_in(&app, "C000014", "13800000014", now).await;
    let page = history(&app.state.pool, &app.state.signing_key, mine, &filter(&[]), None, 5).await.unwrap();
    let cursor = page.next.expect("more than five rows");
    let (booked_at, rest) = cursor.split_once('.').unwrap();
    let tampered = format!("{}.{rest}", booked_at.parse::<i64>().unwrap() - 86_400);
    let body = json!({ "account_id": mine, "filter": { "period": "12m" }, "cursor": tampered });
    let (res, text) = split(app.send(server_fn_json_request("/api/accounts/history", &session, body)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("cursor"), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn filters_combine_and_each_row_meets_every_condition() {
    let app = TestApp::spawn(&[]).await;
    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    let account = first_account(&app, 1, "demand").await;
    let all = |f: Filter| async move {
        let mut rows = Vec::new();
        let mut after = None;
        loop {
            let page = history(pool, key, account, &f, after, 50).await.unwrap();
            rows.extend(page.rows);
            match page.next {
                Some(c) => after = app::accounts::service::decode_cursor(key, account, &c),
                None => return rows,
            }
        }
    };
    let everything = all(filter(&[])).await;
    assert!(everything.len() > 100, "a year of history: {}", everything.len());

    let out_dining = all(filter(&[("dir", "out"), ("category", "dining")])).await;
    assert!(!out_dining.is_empty());
    assert!(out_dining.iter().all(|t| t.amount_minor < 0 && t.category == "dining"));
    let expected = everything.iter().filter(|t| t.amount_minor < 0 && t.category == "dining").count();
    assert_eq!(out_dining.len(), expected, "nothing missed");

    let range = all(filter(&[("min", "100"), ("max", "300")])).await;
    assert!(range.iter().all(|t| (10_000..=30_000).contains(&t.amount_minor.abs())));
    assert_eq!(range.len(), everything.iter().filter(|t| (10_000..=30_000).contains(&t.amount_minor.abs())).count());

    let some_counterparty = everything.iter().find(|t| !t.counterparty.is_empty()).unwrap().counterparty.clone();
    let by_text = all(filter(&[("q", &some_counterparty)])).await;
    assert!(!by_text.is_empty());
    assert!(
        by_text
            .iter()
            .all(|t| t.counterparty.contains(&some_counterparty) || t.description.contains(&some_counterparty))
    );

    let none = all(filter(&[("q", "100%_no_such")])).await;
    assert!(none.is_empty(), "pattern characters are literal");

    let week = all(filter(&[("period", "7d")])).await;
    assert!(week.len() < everything.len());
    let oldest_allowed =
        app::accounts::service::china_midnight(china_today(chrono::Utc::now().timestamp()) - chrono::Duration::days(6));
    assert!(week.iter().all(|t| t.booked_at >= oldest_allowed));
    app.cleanup().await;
}

#[tokio::test]
async fn paging_never_repeats_or_skips_a_row_while_new_rows_arrive() {
    let app = TestApp::spawn(&[]).await;
    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    let account = first_account(&app, 2, "demand").await;
    let f = filter(&[]);
    let before: Vec<i64> = {
        let from = app::accounts::service::china_midnight(f.from);
        let to = app::accounts::service::china_midnight(f.to + chrono::Duration::days(1));
        sqlx::query_scalar("SELECT id FROM transactions WHERE account_id = $1 AND booked_at >= $2 AND booked_at < $3 ORDER BY booked_at DESC, id DESC")
            .bind(account).bind(from).bind(to).fetch_all(pool).await.unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    let mut seen = Vec::new();
    let mut after = None;
    let mut n = 0;
    loop {
        let page = history(pool, key, account, &f, after, 20).await.unwrap();
        seen.extend(page.rows.iter().map(|r| r.id));
        // A new transaction is booked between every two pages (also one at the very same second
        // as the newest row, which the keyset's id tiebreak must handle).
        n += 1;
        sqlx::query("INSERT INTO transactions (account_id, booked_at, value_date, amount_minor, currency, balance_after_minor, description, counterparty, category, reference) \
                     VALUES ($1, $2, '2026-11-22', -100, 'CNY', 0, 'new', '', 'shopping', $3)")
            .bind(account).bind(now - n).bind(format!("TEST-{n}")).execute(pool).await.unwrap();
        match page.next {
            Some(c) => after = app::accounts::service::decode_cursor(key, account, &c),
            None => break,
        }
    }
    assert!(before.len() > 40, "several pages: {}", before.len());
    assert_eq!(seen, before, "every row once, in order, none of the new ones in the middle");
    app.cleanup().await;
}

#[tokio::test]
async fn a_transaction_problem_is_a_complaint_with_its_15_day_window_once_and_only_for_ones_own() {
    use app::accounts::service::record_report;
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let account = first_account(&app, 15, "demand").await;
    let (old_tx, booked_at): (i64, i64) =
        sqlx::query_as("SELECT id, booked_at FROM transactions WHERE account_id = $1 ORDER BY booked_at LIMIT 1")
            .bind(account)
            .fetch_one(pool)
            .await
            .unwrap();
    let tx_day = china_today(booked_at);
    let now = chrono::Utc::now().timestamp();

    // Within the window on the tenth day; flagged late a month on.
    let receipt = record_report(
        pool,
        15,
        account,
        old_tx,
        "not_mine",
        "Not me at all.",
        tx_day + chrono::Duration::days(10),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(receipt.transaction_date, tx_day);
    assert_eq!(receipt.window_ends_on, tx_day + chrono::Duration::days(15));
    assert!(!receipt.late && !receipt.merged);
    assert!(receipt.reference.starts_with("TS-"), "a complaint's reference: {}", receipt.reference);
    // A complaint about the transaction, about the account's product, with the notice's reason.
    let (category, transaction, reason, late): (String, Option<i64>, Option<String>, i64) =
        sqlx::query_as("SELECT category, transaction_id, report_reason, late_notice FROM complaints WHERE id = $1")
            .bind(receipt.complaint_id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        (category.as_str(), transaction, reason.as_deref(), late),
        ("deposits", Some(old_tx), Some("not_mine"), 0)
    );
    let again =
        record_report(pool, 15, account, old_tx, "other", "Second time.", tx_day + chrono::Duration::days(40), now)
            .await
            .unwrap()
            .unwrap();
    assert_eq!((again.complaint_id, &again.reference), (receipt.complaint_id, &receipt.reference));
    assert!(again.merged, "a second report of an open one joins it");
    let other_tx: i64 =
        sqlx::query_scalar("SELECT id FROM transactions WHERE account_id = $1 ORDER BY booked_at LIMIT 1 OFFSET 1")
            .bind(account)
            .fetch_one(pool)
            .await
            .unwrap();
    let late = record_report(
        pool,
        15,
        account,
        other_tx,
        "duplicate",
        "Charged twice!",
        tx_day + chrono::Duration::days(40),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(late.late, "accepted but flagged");

    // Someone else's transaction is not found, and nothing is written.
    assert_eq!(record_report(pool, 16, account, other_tx, "other", "Not my account", tx_day, now).await.unwrap(), None);
    let session = signed_in(&app, "C000016", "13800000016", now).await;
    let body = format!("account_id={account}&transaction_id={other_tx}");
    let (res, _) = split(app.send(server_fn_request("/api/accounts/transaction", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE report_reason IS NOT NULL")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(reports, 2);

    // Through the server function: the details are checked first, and the report is audited.
    let mine = first_account(&app, 16, "demand").await;
    let my_tx: i64 =
        sqlx::query_scalar("SELECT id FROM transactions WHERE account_id = $1 ORDER BY booked_at DESC LIMIT 1")
            .bind(mine)
            .fetch_one(pool)
            .await
            .unwrap();
    let short = format!("account_id={mine}&transaction_id={my_tx}&reason=not_mine&details=short");
    let (res, text) = split(app.send(server_fn_request("/api/accounts/report", &session, &short)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("details"), "{text}");
    let good = format!("account_id={mine}&transaction_id={my_tx}&reason=not_mine&details=I+never+paid+this+shop.");
    let (res, text) = split(app.send(server_fn_request("/api/accounts/report", &session, &good)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert!(text.contains("\"late\":false"), "a fresh transaction is within the window: {text}");
    let received: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE customer_id = 16 AND kind = 'complaint_received'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(received, 1, "acknowledged like any complaint");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'transaction_reported' AND subject_customer_id = 16",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn the_filtered_history_downloads_as_csv_for_its_owner_only() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let mine = first_account(&app, 17, "demand").await;
    let theirs = first_account(&app, 18, "demand").await;
    let session = signed_in(&app, "C000017", "13800000017", now).await;
    let cookie = format!("portal_session={}", session.access_token);
    let (res, body) = app
        .get(
            &format!("/accounts/{mine}/export.csv?period=12m&dir=out"),
            &[("cookie", &cookie), ("accept-language", "en")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"transactions-"));
    assert!(body.starts_with("\u{feff}Time,Description"), "the header is in the reader's language: {}", &body[..40]);
    let lines: Vec<&str> = body.trim_end().split("\r\n").collect();
    let expected = history(&app.state.pool, &app.state.signing_key, mine, &filter(&[("dir", "out")]), None, 100_000)
        .await
        .unwrap()
        .rows
        .len();
    assert_eq!(lines.len() - 1, expected, "one line per transaction of the filter");
    assert!(lines[1..].iter().all(|l| l.contains(",-")), "money out only, as plain negative numbers");

    let (res, _) = app.get(&format!("/accounts/{theirs}/export.csv"), &[("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, _) = app.get(&format!("/accounts/{mine}/export.csv"), &[]).await;
    assert!(res.status().is_redirection(), "a visitor is sent to sign in");
    app.cleanup().await;
}

#[tokio::test]
async fn chart_figures_add_up_to_the_transactions_and_are_the_owners_only() {
    use app::accounts::charts::last_twelve_months;
    use app::accounts::service::{china_midnight, monthly_flows, spending_by_category};
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let account = first_account(&app, 19, "demand").await;
    let today = china_today(chrono::Utc::now().timestamp());
    let months = last_twelve_months(today);
    let flows = monthly_flows(pool, account, &months).await.unwrap();
    assert_eq!(flows.len(), 12);
    let from = china_midnight(months[0]);
    let (money_in, money_out): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN amount_minor < 0 THEN -amount_minor ELSE 0 END), 0) AS BIGINT) FROM transactions WHERE account_id = $1 AND booked_at >= $2",
    )
    .bind(account)
    .bind(from)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(flows.iter().map(|f| f.in_minor).sum::<i64>(), money_in);
    assert_eq!(flows.iter().map(|f| f.out_minor).sum::<i64>(), money_out);
    assert!(flows.iter().filter(|f| f.in_minor > 0).count() >= 11, "salary every month: {flows:?}");

    let last_month = months[10];
    let by_category = spending_by_category(pool, account, last_month).await.unwrap();
    assert_eq!(by_category.iter().map(|(_, v)| v).sum::<i64>(), flows[10].out_minor);
    assert!(by_category.windows(2).all(|w| w[0].1 >= w[1].1), "largest first");
    let mid_month = last_month + chrono::Duration::days(14);
    assert_eq!(spending_by_category(pool, account, mid_month).await.unwrap(), by_category, "any day names its month");

    // The figures are the database's monthly totals (migration 0015): a transaction booked now,
    // by any statement, is in them at once, in this month's bar and under its category.
    let now = chrono::Utc::now().timestamp();
    let this_month = months[11];
    let dining_before =
        spending_by_category(pool, account, this_month).await.unwrap().into_iter().find(|(c, _)| c == "dining");
    sqlx::query(
        "INSERT INTO transactions (account_id, booked_at, value_date, amount_minor, currency, balance_after_minor, \
         description, counterparty, category, reference) VALUES ($1, $2, $3, -12345, 'CNY', 0, 'Lunch', 'Canteen', 'dining', 'TEST-FLOW-1'), \
         ($1, $4, $3, 67800, 'CNY', 0, 'Refund', 'Shop', 'other', 'TEST-FLOW-2')",
    )
    .bind(account)
    .bind(now)
    .bind(today.to_string())
    .bind(china_midnight(this_month))
    .execute(pool)
    .await
    .unwrap();
    let after = monthly_flows(pool, account, &months).await.unwrap();
    assert_eq!(after[11].out_minor, flows[11].out_minor + 12_345, "{after:?}");
    assert_eq!(after[11].in_minor, flows[11].in_minor + 67_800, "the month starts at 00:00 China time: {after:?}");
    assert_eq!(after[..11], flows[..11], "other months unchanged");
    let dining_after =
        spending_by_category(pool, account, this_month).await.unwrap().into_iter().find(|(c, _)| c == "dining");
    assert_eq!(dining_after.map(|(_, v)| v), Some(dining_before.map_or(0, |(_, v)| v) + 12_345));

    let stranger = signed_in(&app, "C000020", "13800000020", now).await;
    let body = format!("account_id={account}");
    let (res, _) = split(app.send(server_fn_request("/api/accounts/charts", &stranger, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn the_full_number_shows_only_after_a_fresh_code_and_is_recorded() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let now = chrono::Utc::now().timestamp();
    let mine = first_account(&app, 21, "demand").await;
    let theirs = first_account(&app, 22, "demand").await;
    let session = signed_in(&app, "C000021", "13800000021", now).await;

    let (res, _) = split(
        app.send(server_fn_request("/api/accounts/reveal/start", &session, &format!("account_id={theirs}"))).await,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no code for someone else's account");

    let (res, body) =
        split(app.send(server_fn_request("/api/accounts/reveal/start", &session, &format!("account_id={mine}"))).await)
            .await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    let challenge: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = challenge["id"].as_str().unwrap();
    let wrong = format!("account_id={mine}&challenge_id={id}&code=000000");
    let (res, body) = split(app.send(server_fn_request("/api/accounts/reveal/finish", &session, &wrong)).await).await;
    if res.status() != StatusCode::OK {
        assert!(body.contains("WrongCode"), "{body}");
    }
    let code = common::code_of_kind_sent_to(&app, "13800000021", "reveal_number_code");
    // The code belongs to this account's owner; asking for another account with it finds nothing.
    let other = format!("account_id={theirs}&challenge_id={id}&code={code}");
    let (res, _) = split(app.send(server_fn_request("/api/accounts/reveal/finish", &session, &other)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let number: String =
        sqlx::query_scalar("SELECT number FROM accounts WHERE id = $1").bind(mine).fetch_one(pool).await.unwrap();
    let again = start_and_finish(&app, &session, mine).await;
    assert_eq!(again.replace(' ', ""), number);
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'account_number_revealed' AND subject_customer_id = 21",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    app.cleanup().await;
}

/// A second code for the same purpose is only sent a minute later: the test moves the first
/// one's time back instead of waiting.
async fn start_and_finish(app: &TestApp, session: &app::auth::service::IssuedSession, account: i64) -> String {
    sqlx::query("UPDATE one_time_codes SET sent_at = sent_at - 120").execute(&app.state.pool).await.unwrap();
    let (_, body) = split(
        app.send(server_fn_request("/api/accounts/reveal/start", session, &format!("account_id={account}"))).await,
    )
    .await;
    let challenge: serde_json::Value = serde_json::from_str(&body).unwrap();
    let code = common::code_of_kind_sent_to(app, "13800000021", "reveal_number_code");
    let body = format!("account_id={account}&challenge_id={}&code={code}", challenge["id"].as_str().unwrap());
    let (res, body) = split(app.send(server_fn_request("/api/accounts/reveal/finish", session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}
