//! Complaints against a real database, through the server functions: filing with a reference
//! and an acknowledgement, merging a repeat of an open matter (also when both arrive at once),
//! the customer's own complaints only, withdrawing once, and staff kept out of the customer's
//! functions.

mod common;

use common::{TestApp, server_fn_request, signed_in, split, staff_signed_in};
use http::StatusCode;

async fn first_account(app: &TestApp, customer_id: i64) -> (i64, i64) {
    let account: i64 =
        sqlx::query_scalar("SELECT id FROM accounts WHERE customer_id = $1 AND kind = 'demand' ORDER BY id LIMIT 1")
            .bind(customer_id)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    let tx: i64 = sqlx::query_scalar("SELECT id FROM transactions WHERE account_id = $1 ORDER BY id LIMIT 1")
        .bind(account)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    (account, tx)
}

async fn count(app: &TestApp, sql: &str, customer_id: i64) -> i64 {
    sqlx::query_scalar(sql).bind(customer_id).fetch_one(&app.state.pool).await.unwrap()
}

const FEE: &str =
    "kind=complaint&category=fees&contact=sms&what_happened=The+counter+charged+me+a+fee+twice.&wanted=Refund";

#[tokio::test]
async fn a_complaint_gets_a_reference_an_acknowledgement_and_a_deadline() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000021", "13800000021", now).await;
    let (account, tx) = first_account(&app, 21).await;

    // Bad input names the field; nothing is stored.
    let short = "kind=complaint&category=fees&contact=sms&what_happened=short&wanted=";
    let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &session, short)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("what_happened") && text.contains("too_short"), "{text}");
    let bad_category = FEE.replace("category=fees", "category=weather");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &session, &bad_category)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("category"), "{text}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints WHERE customer_id = $1", 21).await, 0);

    let body = format!("{FEE}&account_id={account}&transaction_id={tx}");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let filed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(filed["merged"], false);
    let reference = filed["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("TS-20") && reference.len() == "TS-2026-000001".len(), "{reference}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_received'", 21)
            .await,
        1
    );
    let outbox = std::fs::read_to_string(&app.config.portal.outbox_path).unwrap_or_default();
    assert!(
        outbox.lines().any(|l| l.contains("13800000021") && l.contains("complaint_received") && l.contains(&reference)),
        "acknowledged by SMS with the reference"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE kind = 'complaint_filed' AND subject_customer_id = $1",
            21
        )
        .await,
        1
    );

    // The list and the status page show it, with its deadline and the first timeline entry.
    let (res, text) = split(app.send(server_fn_request("/api/complaints/mine", &session, "")).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["status"], "submitted");
    assert!(list[0]["due_on"].is_string(), "a deadline while a decision is awaited: {text}");
    let id = filed["id"].as_i64().unwrap();
    let (res, text) =
        split(app.send(server_fn_request("/api/complaints/one", &session, &format!("complaint_id={id}"))).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let detail: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(detail["timeline"][0]["kind"], "submitted");
    assert_eq!(detail["transaction_id"], tx);
    app.cleanup().await;
}

#[tokio::test]
async fn a_repeat_of_an_open_matter_is_merged_even_when_both_arrive_at_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000022", "13800000022", now).await;
    let (account, tx) = first_account(&app, 22).await;
    let body = format!("{FEE}&account_id={account}&transaction_id={tx}");
    let sends = (0..6).map(|_| app.send(server_fn_request("/api/complaints/file", &session, &body)));
    let answers = futures::future::join_all(sends).await;
    let mut merged = 0;
    let mut ids = std::collections::BTreeSet::new();
    for answer in answers {
        let (res, text) = split(answer).await;
        assert_eq!(res.status(), StatusCode::OK, "{text}");
        let filed: serde_json::Value = serde_json::from_str(&text).unwrap();
        merged += i32::from(filed["merged"] == true);
        ids.insert(filed["id"].as_i64().unwrap());
    }
    assert_eq!((ids.len(), merged), (1, 5), "one complaint, five repeats merged into it");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints WHERE customer_id = $1", 22).await, 1);
    let merges = "SELECT COUNT(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id \
                  WHERE c.customer_id = $1 AND e.kind = 'merged'";
    assert_eq!(count(&app, merges, 22).await, 5);
    let told = "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_merged'";
    assert!(count(&app, told, 22).await >= 1, "the customer is told it was merged");

    // Another category, or no linked matter, is a new complaint.
    let other = body.replace("category=fees", "category=service_attitude");
    let (res, _) = split(app.send(server_fn_request("/api/complaints/file", &session, &other)).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    for _ in 0..2 {
        let (res, _) = split(app.send(server_fn_request("/api/complaints/file", &session, FEE)).await).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints WHERE customer_id = $1", 22).await, 4);

    // Once withdrawn, the same matter opens a new complaint.
    let id = *ids.first().unwrap();
    let withdraw = format!("complaint_id={id}");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/withdraw", &session, &withdraw)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert!(text.contains("\"status\":\"withdrawn\""), "{text}");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/withdraw", &session, &withdraw)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "withdrawn once: {text}");
    assert!(text.contains("not_now"), "{text}");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text.contains("\"merged\":false"), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn another_customers_complaint_and_accounts_answer_not_found_and_staff_are_kept_out() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let owner = signed_in(&app, "C000023", "13800000023", now).await;
    let other = signed_in(&app, "C000024", "13800000024", now).await;
    let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &owner, FEE)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();
    let one = format!("complaint_id={id}");
    for endpoint in ["/api/complaints/one", "/api/complaints/withdraw"] {
        let (res, text) = split(app.send(server_fn_request(endpoint, &other, &one)).await).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}: {text}");
    }
    let add = format!("complaint_id={id}&text=I+am+not+the+owner.");
    let (res, _) = split(app.send(server_fn_request("/api/complaints/add", &other, &add)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, text) = split(app.send(server_fn_request("/api/complaints/mine", &other, "")).await).await;
    assert_eq!(text, "[]");

    // Linking someone else's account or transaction is refused as not found, and files nothing.
    let (account, tx) = first_account(&app, 23).await;
    for link in [format!("&account_id={account}"), format!("&account_id={account}&transaction_id={tx}")] {
        let body = format!("{FEE}{link}");
        let (res, text) = split(app.send(server_fn_request("/api/complaints/file", &other, &body)).await).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{text}");
    }
    let (own_account, _) = first_account(&app, 24).await;
    let body = format!("{FEE}&account_id={own_account}&transaction_id={tx}");
    let (res, _) = split(app.send(server_fn_request("/api/complaints/file", &other, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "a transaction of another's account under one's own");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints WHERE customer_id = $1", 24).await, 0);

    // The owner adds information; an empty text is refused by name.
    let (res, text) = split(app.send(server_fn_request("/api/complaints/add", &owner, &add)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert!(text.contains("info_added"), "{text}");
    let empty = format!("complaint_id={id}&text=+");
    let (res, text) = split(app.send(server_fn_request("/api/complaints/add", &owner, &empty)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("required"), "{text}");

    // Staff calling the customer's functions: 403.
    let staff = staff_signed_in(&app, "S0201", "13900000201", now).await;
    for (endpoint, body) in [("/api/complaints/mine", String::new()), ("/api/complaints/file", FEE.to_owned())] {
        let (res, text) = split(app.send(server_fn_request(endpoint, &staff, &body)).await).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{endpoint}: {text}");
    }
    app.cleanup().await;
}
