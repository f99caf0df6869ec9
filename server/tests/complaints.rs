//! Complaints against a real database, through the server functions: filing with a reference
//! and an acknowledgement, merging a repeat of an open matter (also when both arrive at once),
//! the customer's own complaints only, withdrawing once, and staff kept out of the customer's
//! functions; the complaints desk: claiming (once, also when two claim at once), internal notes
//! the customer never sees, replies that notify, a decision only with facts and grounds, a review
//! once and by someone else, the rating once; the queue's filters and keyset pages, a recused
//! member of staff kept out, every staff look recorded about the customer.

mod common;

use common::{TestApp, call, server_fn_request, signed_in, split, staff_signed_in};
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
    let (_, text) = split(app.send(server_fn_request("/api/complaints/one", &session, &withdraw)).await).await;
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

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn actions(detail: &serde_json::Value) -> Vec<String> {
    detail["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_desk_claims_replies_and_decides_and_the_customer_asks_for_a_review_and_rates() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000025", "13800000025", now).await;
    let first = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let second = staff_signed_in(&app, "S0002", "13900000002", now).await;
    let (status, text) = call(&app, "/api/complaints/file", &customer, FEE).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let id = json(&text)["id"].as_i64().unwrap();
    let reference = json(&text)["reference"].as_str().unwrap().to_owned();
    let one = format!("complaint_id={id}");

    // A customer calling the desk's functions: 403.
    for endpoint in ["/api/staff/complaints/queue", "/api/staff/complaints/one", "/api/staff/complaints/claim"] {
        let (status, text) = call(&app, endpoint, &customer, &one).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {text}");
    }

    // The queue lists it; opening it is recorded about the customer.
    let (status, text) = call(&app, "/api/staff/complaints/queue", &first, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains(&reference), "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/one", &first, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(actions(&json(&text)["detail"]), ["claim", "note"], "only claiming (and notes) before a claim");
    let viewed =
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'complaint_viewed_by_staff' AND subject_customer_id = $1";
    assert_eq!(count(&app, viewed, 25).await, 1);

    // Deciding before a claim is refused; two claiming at once: one gets it.
    let decision = format!("{one}&facts=Two+fee+entries+on+1+Dec.&grounds=Fee+schedule+3.2.&remedy=Refund+of+one+fee.");
    let (status, text) = call(&app, "/api/staff/complaints/decide", &first, &decision).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let (a, b) = futures::join!(
        call(&app, "/api/staff/complaints/claim", &first, &one),
        call(&app, "/api/staff/complaints/claim", &second, &one)
    );
    assert_eq!([a.0, b.0].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{a:?} {b:?}");
    let (handler, other) = if a.0 == StatusCode::OK { (&first, &second) } else { (&second, &first) };

    // Someone else's complaint: a colleague may note but not reply.
    let reply = format!("{one}&text=We+are+checking+the+ledger.&ask=false");
    let (status, text) = call(&app, "/api/staff/complaints/reply", other, &reply).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("not_yours"), "{text}");
    let note = format!("{one}&text=Customer+called+twice+about+this.");
    let (status, text) = call(&app, "/api/staff/complaints/note", other, &note).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("Customer called twice"), "staff see the note: {text}");

    // The reply notifies the customer; the note stays internal.
    let (status, text) = call(&app, "/api/staff/complaints/reply", handler, &reply).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["detail"]["summary"]["status"], "in_progress");
    let told = "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_reply'";
    assert_eq!(count(&app, told, 25).await, 1);
    let outbox = std::fs::read_to_string(&app.config.portal.outbox_path).unwrap_or_default();
    assert!(
        outbox.lines().any(|l| l.contains("13800000025") && l.contains("complaint_reply") && l.contains(&reference))
    );
    let (status, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("We are checking the ledger.") && !text.contains("Customer called twice"), "{text}");
    assert!(!text.contains("客服专员"), "the customer is not told staff names: {text}");

    // Marked complex once, with a reason the customer is sent.
    let complex = format!("{one}&reason=The+branch+recording+is+needed.");
    let (status, text) = call(&app, "/api/staff/complaints/complex", handler, &complex).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["time_limit"], "complex");
    let (status, text) = call(&app, "/api/staff/complaints/complex", handler, &complex).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("already_extended"), "{text}");

    // A decision needs facts and grounds; nothing is recorded without them.
    for missing in ["facts=&grounds=Fee+schedule.", "facts=Checked.&grounds=+"] {
        let (status, text) =
            call(&app, "/api/staff/complaints/decide", handler, &format!("{one}&{missing}&remedy=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert!(text.contains("missing_"), "{text}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaint_decisions WHERE complaint_id = $1", id).await, 0);
    let (status, text) = call(&app, "/api/staff/complaints/decide", handler, &decision).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let decided = "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_decided'";
    assert_eq!(count(&app, decided, 25).await, 1);

    // The customer reads the decision with the review deadline; rating waits for the close.
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    let detail = json(&text);
    assert_eq!(detail["decisions"][0]["facts"], "Two fee entries on 1 Dec.");
    assert!(detail["review_until"].is_string(), "{text}");
    assert_eq!(actions(&detail), ["accept_decision", "request_review"]);
    let (status, text) = call(&app, "/api/complaints/rate", &customer, &format!("{one}&stars=4&comment=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");

    // A review: once, with a reason, decided by someone other than the first decision's author.
    let (status, text) = call(&app, "/api/complaints/review", &customer, &format!("{one}&reason=+")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let review = format!("{one}&reason=Both+fees+should+be+refunded.");
    let (status, text) = call(&app, "/api/complaints/review", &customer, &review).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert_eq!(json(&text)["summary"]["status"], "review_requested");
    let (status, text) = call(&app, "/api/complaints/review", &customer, &review).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("not_now") || text.contains("review_already_requested"), "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/decide", handler, &decision).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("same_handler"), "{text}");
    let (status, text) =
        call(&app, "/api/staff/complaints/decide", other, &decision.replace("one+fee", "both+fees")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["detail"]["summary"]["status"], "review_decided");

    // The customer accepts the review's decision and rates the outcome once.
    let (status, text) = call(&app, "/api/complaints/accept", &customer, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert_eq!(json(&text)["summary"]["status"], "closed");
    assert_eq!(actions(&json(&text)), ["rate"]);
    let (status, _) = call(&app, "/api/complaints/rate", &customer, &format!("{one}&stars=6&comment=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, text) = call(&app, "/api/complaints/rate", &customer, &format!("{one}&stars=4&comment=Quick.")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert_eq!(json(&text)["rating"], 4);
    let (status, text) = call(&app, "/api/complaints/rate", &customer, &format!("{one}&stars=5&comment=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("already_rated"), "{text}");

    // Every staff look and step taken was recorded about the customer: the look, the claim, the
    // note, the reply, marking complex, the two decisions.
    let handled = "SELECT COUNT(*) FROM audit_events WHERE subject_customer_id = $1 AND kind LIKE 'complaint_%' \
                   AND actor_kind = 'staff'";
    assert_eq!(count(&app, handled, 25).await, 7);
    app.cleanup().await;
}

#[tokio::test]
async fn the_queue_filters_pages_by_keyset_and_keeps_a_recused_member_of_staff_out() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let today = chrono::Utc::now().date_naive();
    // 25 complaints from 25 customers: the first 5 received 40 days ago (overdue), the rest today.
    for n in 1..=25i64 {
        let received = if n <= 5 { today - chrono::Duration::days(40) } else { today };
        sqlx::query(
            "INSERT INTO complaints (customer_id, kind, category, what_happened, wanted, contact, received_on, \
             created_at, updated_at) VALUES ($1, 'complaint', $2, 'The queue test complaint.', '', 'message', $3, $4, $4)",
        )
        .bind(n)
        .bind(if n % 2 == 0 { "fees" } else { "cards" })
        .bind(received.to_string())
        .bind(now)
        .execute(&app.state.pool)
        .await
        .unwrap();
    }
    let ids = |page: &serde_json::Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|i| i["summary"]["id"].as_i64().unwrap()).collect()
    };
    let (status, text) = call(&app, "/api/staff/complaints/queue", &agent, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let page = json(&text);
    let first = ids(&page);
    assert_eq!(first.len(), 20);
    let next = page["next"].as_str().unwrap().to_owned();
    let (_, text) = call(&app, "/api/staff/complaints/queue", &agent, &format!("after={next}")).await;
    let page = json(&text);
    let second = ids(&page);
    assert_eq!(second.len(), 5);
    assert!(page["next"].is_null());
    let all: std::collections::BTreeSet<i64> = first.iter().chain(&second).copied().collect();
    assert_eq!(all.len(), 25, "no complaint twice, none left out");

    let (_, text) = call(&app, "/api/staff/complaints/queue", &agent, "due=overdue").await;
    assert_eq!(ids(&json(&text)).len(), 5, "{text}");
    let (_, text) = call(&app, "/api/staff/complaints/queue", &agent, "category=fees").await;
    assert_eq!(ids(&json(&text)).len(), 12);
    let (_, text) = call(&app, "/api/staff/complaints/queue", &agent, "mine=1").await;
    assert!(ids(&json(&text)).is_empty());
    let (status, text) = call(&app, "/api/staff/complaints/queue", &agent, "after=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");

    // A complaint about the agent does not exist for them: not listed, not found, not claimable.
    let about: i64 = first[0];
    let agent_id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE staff_no = 'S0001'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO complaint_recusals (complaint_id, staff_id) VALUES ($1, $2)")
        .bind(about)
        .bind(agent_id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (_, text) = call(&app, "/api/staff/complaints/queue", &agent, "status=all").await;
    assert!(!ids(&json(&text)).contains(&about));
    for endpoint in ["/api/staff/complaints/one", "/api/staff/complaints/claim"] {
        let (status, text) = call(&app, endpoint, &agent, &format!("complaint_id={about}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {text}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_decision_nobody_answers_closes_after_the_review_window_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let today = chrono::Utc::now().date_naive();
    let staff_id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE staff_no = 'S0001'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let days_ago = |n: i64| today - chrono::Duration::days(n);
    // Two decided complaints: one decided 40 days ago, one today; two whose review was decided,
    // 40 days ago and today (the first decisions long before).
    let mut ids = Vec::new();
    for (customer, status, decisions) in [
        (26i64, "decided", vec![("first", days_ago(40))]),
        (27, "decided", vec![("first", today)]),
        (26, "review_decided", vec![("first", days_ago(80)), ("review", days_ago(40))]),
        (27, "review_decided", vec![("first", days_ago(45)), ("review", today)]),
    ] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO complaints (customer_id, kind, category, what_happened, wanted, contact, status, received_on, \
             handler_id, created_at, updated_at) VALUES ($1, 'complaint', 'fees', 'Charged twice for one thing.', '', \
             'message', $5, $2, $3, $4, $4) RETURNING id",
        )
        .bind(customer)
        .bind(decisions[0].1.to_string())
        .bind(staff_id)
        .bind(now)
        .bind(status)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
        for (round, decided) in decisions {
            sqlx::query(
                "INSERT INTO complaint_decisions (complaint_id, round, facts, grounds, remedy, decided_by, decided_on, \
                 created_at) VALUES ($1, $5, 'Checked.', 'Fee schedule.', '', $2, $3, $4)",
            )
            .bind(id)
            .bind(staff_id)
            .bind(decided.to_string())
            .bind(now)
            .bind(round)
            .execute(&app.state.pool)
            .await
            .unwrap();
        }
        ids.push(id);
    }
    // Two instances running the job at once close it once.
    let (a, b) = futures::join!(server::run_alerts(&app.state), server::run_alerts(&app.state));
    a.unwrap();
    b.unwrap();
    let status = |id: i64| {
        let pool = app.state.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM complaints WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(status(ids[0]).await, "closed");
    assert_eq!(status(ids[1]).await, "decided", "still inside its review window");
    assert_eq!(status(ids[2]).await, "closed", "a review decided 40 days ago");
    assert_eq!(status(ids[3]).await, "review_decided", "a review decided today");
    let events = "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = $1 AND kind = 'closed_unanswered'";
    assert_eq!(count(&app, events, ids[0]).await, 1);
    assert_eq!(count(&app, events, ids[2]).await, 1);
    assert_eq!(count(&app, events, ids[3]).await, 0);

    // The customer can now rate it, and no longer ask for a review.
    let customer = signed_in(&app, "C000026", "13800000026", now).await;
    let one = format!("complaint_id={}", ids[0]);
    let (status, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(actions(&json(&text)), ["rate"]);
    app.cleanup().await;
}

#[tokio::test]
async fn supervisors_assign_and_whoever_a_complaint_is_about_never_handles_it() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000028", "13800000028", now).await;
    let (status, text) = call(&app, "/api/complaints/file", &customer, FEE).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let one = format!("complaint_id={}", json(&text)["id"].as_i64().unwrap());
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let colleague = staff_signed_in(&app, "S0002", "13900000002", now).await;
    let third = staff_signed_in(&app, "S0003", "13900000003", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let id_of = |no: &'static str| {
        let pool = app.state.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM staff_users WHERE staff_no = $1")
                .bind(no)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (s0001, s0002, s0003, s0201) =
        (id_of("S0001").await, id_of("S0002").await, id_of("S0003").await, id_of("S0201").await);

    // Only supervisors assign, and only to the complaints desk.
    let (status, _) = call(&app, "/api/staff/complaints/assign", &agent, &format!("{one}&assignee={s0001}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &supervisor, &format!("{one}&assignee={s0201}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "branch staff do not handle complaints: {text}");
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &supervisor, &format!("{one}&assignee={s0001}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["detail"]["summary"]["status"], "accepted", "an unclaimed complaint is accepted by it");

    // The handler records that it is about a colleague: the colleague no longer finds it, and
    // cannot be given it. Nobody records it about the handler: a supervisor reassigns first.
    let (status, text) = call(&app, "/api/staff/complaints/recuse", &agent, &format!("{one}&about={s0001}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/recuse", &colleague, &format!("{one}&about={s0003}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only the handler or a supervisor: {text}");
    let (status, text) = call(&app, "/api/staff/complaints/recuse", &agent, &format!("{one}&about={s0002}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _) = call(&app, "/api/staff/complaints/one", &colleague, &one).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &supervisor, &format!("{one}&assignee={s0002}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("recused"), "{text}");

    // Reassigned: the new handler replies, the old one no longer may; then it is recorded about
    // the old handler too, who loses sight of it.
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &supervisor, &format!("{one}&assignee={s0003}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let reply = format!("{one}&text=Looking+into+it.&ask=false");
    let (status, text) = call(&app, "/api/staff/complaints/reply", &agent, &reply).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("not_yours"), "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/reply", &third, &reply).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/recuse", &supervisor, &format!("{one}&about={s0001}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _) = call(&app, "/api/staff/complaints/one", &agent, &one).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The customer sees neither the assignments nor the recusals.
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert!(!text.contains("\"assigned\"") && !text.contains("\"recused\""), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn an_appraisal_pause_stops_the_clock_and_its_days_do_not_count() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000029", "13800000029", now).await;
    let (status, text) = call(&app, "/api/complaints/file", &customer, FEE).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let id = json(&text)["id"].as_i64().unwrap();
    let one = format!("complaint_id={id}");
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let colleague = staff_signed_in(&app, "S0002", "13900000002", now).await;
    let pause = format!("{one}&reason=The+card+terminal+log+is+sent+for+appraisal.");
    // Received ten days ago.
    let today = app::accounts::china_today(now);
    sqlx::query("UPDATE complaints SET received_on = $1 WHERE id = $2")
        .bind((today - chrono::Duration::days(10)).to_string())
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, _) = call(&app, "/api/staff/complaints/pause", &agent, &pause).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not before it is claimed");
    let (status, text) = call(&app, "/api/staff/complaints/claim", &agent, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let due_before = json(&text)["detail"]["summary"]["due_on"].as_str().unwrap().to_owned();

    // Paused: no deadline while the appraisal is out; once at a time; only by the handler.
    let (status, _) = call(&app, "/api/staff/complaints/pause", &colleague, &pause).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, text) = call(&app, "/api/staff/complaints/pause", &agent, &format!("{one}&reason=+")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {text}");
    let (status, text) = call(&app, "/api/staff/complaints/pause", &agent, &pause).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let summary = &json(&text)["detail"]["summary"];
    assert!(summary["due_on"].is_null(), "{text}");
    assert_eq!(summary["urgency"]["kind"], "paused", "{text}");
    assert!(actions(&json(&text)["detail"]).contains(&"resume".to_owned()));
    let (status, _) = call(&app, "/api/staff/complaints/pause", &agent, &pause).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one pause at a time");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert!(text.contains("sent for appraisal") && text.contains("\"paused\""), "the customer reads why: {text}");

    // Out for the appraisal since five days ago, then resumed: the deadline moves by the days not
    // counted.
    sqlx::query("UPDATE complaint_pauses SET from_day = $1 WHERE complaint_id = $2")
        .bind((today - chrono::Duration::days(5)).to_string())
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, text) = call(&app, "/api/staff/complaints/resume", &agent, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let due_after = json(&text)["detail"]["summary"]["due_on"].as_str().unwrap().to_owned();
    let days = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    // Exactly the counting rule's day with the five paused days left out. The two dates need not
    // be five days apart: a last day on a weekend or a holiday moves to the next working day
    // (received ten days before a Monday, the deadline was a Monday before and a Thursday after;
    // before and after a week of holidays both can be the day after it).
    use app::complaints::rules::{Pause, TimeLimit, decision_due};
    let calendar = app::complaints::service::calendar(&app.state.pool).await.unwrap();
    let received = today - chrono::Duration::days(10);
    let paused = Pause { from: today - chrono::Duration::days(5), until: Some(today) };
    assert_eq!(Some(days(&due_before)), decision_due(received, TimeLimit::Standard, &[], &calendar));
    assert_eq!(Some(days(&due_after)), decision_due(received, TimeLimit::Standard, &[paused], &calendar));
    let (status, _) = call(&app, "/api/staff/complaints/resume", &agent, &one).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to resume");
    app.cleanup().await;
}

/// A file part of a multipart form: its name and content.
type Part<'a> = (&'a str, &'a [u8]);

/// A multipart form as a browser sends it: text fields, then `file` parts.
fn multipart(
    endpoint: &str,
    who: &app::auth::service::IssuedSession,
    fields: &[(&str, &str)],
    files: &[Part],
) -> http::Request<axum::body::Body> {
    const BOUNDARY: &str = "----portal-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (file_name, content) in files {
        // The declared type is always a harmless one: the server must judge by the content.
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    http::Request::post(endpoint)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("accept", "application/json")
        .header("cookie", format!("portal_session={}", who.access_token))
        .body(axum::body::Body::from(body))
        .expect("request")
}

const FILING: [(&str, &str); 4] = [
    ("kind", "complaint"),
    ("category", "fees"),
    ("contact", "message"),
    ("what_happened", "The counter charged me a fee twice; the receipts are attached."),
];

#[tokio::test]
async fn files_go_with_their_message_are_judged_by_content_and_only_the_owner_and_the_handler_open_them() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let owner = signed_in(&app, "C000030", "13800000030", now).await;
    let other = signed_in(&app, "C000031", "13800000031", now).await;
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj receipt\n%%EOF\n";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let jpeg: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00";
    let endpoint = "/api/complaints/file_with_files";
    let complaints = "SELECT COUNT(*) FROM complaints WHERE customer_id = $1";

    // Refused files are named, with the reason, and nothing of the complaint is stored.
    let text_as_png: &[u8] = b"just some text, named like a picture";
    let too_large = [b"%PDF-".as_slice(), &vec![b'x'; 5 * 1024 * 1024]].concat();
    let refusals: [(&[Part], &str, &str); 4] = [
        (&[("receipt.pdf", pdf), ("photo.png", text_as_png)], "photo.png", "wrong_type"),
        (&[("a.pdf", pdf), ("b.pdf", pdf), ("c.pdf", pdf), ("d.pdf", pdf)], "d.pdf", "too_many"),
        (&[("big.pdf", &too_large)], "big.pdf", "too_large"),
        (&[("empty.pdf", b"")], "empty.pdf", "empty"),
    ];
    for (files, name, problem) in refusals {
        let (res, text) = split(app.send(multipart(endpoint, &owner, &FILING, files)).await).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}: {text}");
        let error = json(&text);
        assert_eq!(error["File"]["name"], name, "{text}");
        assert_eq!(error["File"]["problem"], problem, "{text}");
    }
    assert_eq!(count(&app, complaints, 30).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaint_attachments WHERE $1 = $1", 0).await, 0);

    // Only the upload routes take a large body, and only as a multipart form.
    let plain = server_fn_request(endpoint, &owner, "kind=complaint");
    assert_eq!(app.send(plain).await.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big_form = format!("{FEE}&wanted={}", "x".repeat(300 * 1024));
    let res = app.send(server_fn_request("/api/complaints/file", &owner, &big_form)).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Filed with a PDF and a PNG (the name's path and quotes are dropped).
    let files: [(&str, &[u8]); 2] = [("C:\\scans\\收据.pdf", pdf), ("photo.png", png)];
    let (res, text) = split(app.send(multipart(endpoint, &owner, &FILING, &files)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let id = json(&text)["id"].as_i64().unwrap();
    let one = format!("complaint_id={id}");
    let (_, text) = call(&app, "/api/complaints/one", &owner, &one).await;
    let detail = json(&text);
    let submitted = &detail["timeline"][0];
    assert_eq!(submitted["kind"], "submitted");
    let listed: Vec<(i64, String, bool)> = submitted["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_i64().unwrap(), f["name"].as_str().unwrap().to_owned(), f["openable"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        listed.iter().map(|f| (f.1.as_str(), f.2)).collect::<Vec<_>>(),
        [("收据.pdf", true), ("photo.png", true)]
    );
    let (pdf_id, png_id) = (listed[0].0, listed[1].0);

    // The owner downloads it: as an attachment under its name, with the type its content has.
    let cookie = |who: &app::auth::service::IssuedSession| format!("portal_session={}", who.access_token);
    let path = format!("/complaints/{id}/files/{pdf_id}");
    let (res, body) = app.get(&path, &[("cookie", &cookie(&owner))]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body.as_bytes(), pdf);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("UTF-8''%E6%94%B6%E6%8D%AE.pdf"),
        "{disposition}"
    );
    let (res, _) = app.get(&format!("/complaints/{id}/files/{png_id}"), &[("cookie", &cookie(&owner))]).await;
    assert_eq!(res.headers()["content-type"], "image/png");

    // Another customer, a file of another complaint, and no session: not theirs.
    let (res, _) = app.get(&path, &[("cookie", &cookie(&other))]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, _) = app.get(&format!("/complaints/{}/files/{pdf_id}", id + 1), &[("cookie", &cookie(&owner))]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, _) = app.get(&path, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // An agent who does not handle it sees that there are files but cannot open them; once
    // they claim it, they can, and their download is recorded about the customer.
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let (_, text) = call(&app, "/api/staff/complaints/one", &agent, &one).await;
    assert_eq!(json(&text)["detail"]["timeline"][0]["files"][0]["openable"], false, "{text}");
    let (res, _) = app.get(&path, &[("cookie", &cookie(&agent))]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, text) = call(&app, "/api/staff/complaints/claim", &agent, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (res, body) = app.get(&path, &[("cookie", &cookie(&agent))]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body.as_bytes(), pdf);
    let opened =
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'complaint_file_opened_by_staff' AND subject_customer_id = $1";
    assert_eq!(count(&app, opened, 30).await, 1);
    // Branch staff are not on the complaints desk.
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let (res, _) = app.get(&path, &[("cookie", &cookie(&branch))]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The customer adds information with a photo: the files go with that entry.
    let fields = [("complaint_id", id.to_string()), ("text", "The second receipt, photographed.".to_owned())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let add = multipart("/api/complaints/add_with_files", &owner, &fields, &[("second.jpg", jpeg)]);
    let (res, text) = split(app.send(add).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/complaints/one", &owner, &format!("complaint_id={id}")).await;
    let timeline = json(&text)["timeline"].as_array().unwrap().clone();
    let added = timeline.iter().find(|e| e["kind"] == "info_added").unwrap();
    assert_eq!(added["files"][0]["name"], "second.jpg");
    // Someone else's complaint takes no files either.
    let add = multipart("/api/complaints/add_with_files", &other, &fields, &[("second.jpg", jpeg)]);
    assert_eq!(app.send(add).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaint_attachments WHERE complaint_id = $1", id).await, 3);

    // The handler replies with a letter: refused by name when it is not what it says, sent with
    // the reply otherwise; the customer opens it. Only the desk replies, even with files.
    let reply =
        [("complaint_id", id.to_string()), ("text", "Our letter is attached.".to_owned()), ("ask", "false".into())];
    let reply: Vec<(&str, &str)> = reply.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let endpoint = "/api/staff/complaints/reply_with_files";
    let (res, text) = split(app.send(multipart(endpoint, &agent, &reply, &[("letter.pdf", text_as_png)])).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["File"]["name"], "letter.pdf");
    assert_eq!(
        app.send(multipart(endpoint, &owner, &reply, &[("letter.pdf", pdf)])).await.status(),
        StatusCode::FORBIDDEN
    );
    let (res, text) = split(app.send(multipart(endpoint, &agent, &reply, &[("letter.pdf", pdf)])).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/complaints/one", &owner, &one).await;
    let timeline = json(&text)["timeline"].as_array().unwrap().clone();
    let replied = timeline.iter().find(|e| e["kind"] == "reply").unwrap();
    assert_eq!(replied["files"][0]["name"], "letter.pdf");
    let letter = replied["files"][0]["id"].as_i64().unwrap();
    let (res, body) = app.get(&format!("/complaints/{id}/files/{letter}"), &[("cookie", &cookie(&owner))]).await;
    assert_eq!((res.status(), body.as_bytes()), (StatusCode::OK, pdf));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaint_attachments WHERE complaint_id = $1", id).await, 4);
    app.cleanup().await;
}

#[tokio::test]
async fn a_complex_case_is_extended_once_with_another_supervisors_approval_and_the_customer_is_told() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000032", "13800000032", now).await;
    let (status, text) = call(&app, "/api/complaints/file", &customer, FEE).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let id = json(&text)["id"].as_i64().unwrap();
    let one = format!("complaint_id={id}");
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let ask = |days: u32| format!("{one}&extra_days={days}&reason=Waiting+for+the+card+scheme%27s+records.");
    let refused = |text: &str, key: &str| assert!(text.contains(&format!("\"{key}\"")), "{key}: {text}");

    // Only the handler, only once the case is complex, 1 to 30 days, with a reason.
    let (status, text) = call(&app, "/api/staff/complaints/extension", &agent, &ask(20)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    refused(&text, "not_yours");
    call(&app, "/api/staff/complaints/claim", &agent, &one).await;
    let (_, text) = call(&app, "/api/staff/complaints/extension", &agent, &ask(20)).await;
    refused(&text, "not_complex");
    let complex = format!("{one}&reason=Records+from+two+branches.");
    let (status, text) = call(&app, "/api/staff/complaints/complex", &agent, &complex).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let due_complex = json(&text)["detail"]["summary"]["due_on"].as_str().unwrap().to_owned();
    let (_, text) = call(&app, "/api/staff/complaints/extension", &agent, &ask(31)).await;
    refused(&text, "extension_too_long");
    let (status, text) = call(&app, "/api/staff/complaints/extension", &agent, &ask(20)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let desk = json(&text);
    assert_eq!(desk["extension"]["extra_days"], 20);
    assert!(desk["extension"]["approved"].is_null());
    let (_, text) = call(&app, "/api/staff/complaints/extension", &agent, &ask(10)).await;
    refused(&text, "already_extended");

    // The customer does not see the request; the agent cannot answer it; the supervisor must
    // say why when refusing, and approves.
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert!(!text.contains("extension_requested") && !text.contains("card scheme"), "{text}");
    let approve = format!("{one}&approve=true&answer=");
    let (_, text) = call(&app, "/api/staff/complaints/extension_answer", &agent, &approve).await;
    refused(&text, "not_yours");
    let (_, text) =
        call(&app, "/api/staff/complaints/extension_answer", &supervisor, &format!("{one}&approve=false&answer=+"))
            .await;
    refused(&text, "missing_reason");
    let messages = "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_extended'";
    let told_before = count(&app, messages, 32).await;
    let (status, text) = call(&app, "/api/staff/complaints/extension_answer", &supervisor, &approve).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let desk = json(&text);
    assert_eq!(desk["time_limit"], "approved");
    assert_eq!(desk["extension"]["approved"], true);
    let due_approved = desk["detail"]["summary"]["due_on"].as_str().unwrap().to_owned();
    // 50 days from receipt instead of 30 (each moved past weekends and holidays).
    let received: chrono::NaiveDate = desk["detail"]["summary"]["received_on"].as_str().unwrap().parse().unwrap();
    let (from, to): (chrono::NaiveDate, chrono::NaiveDate) =
        (due_complex.parse().unwrap(), due_approved.parse().unwrap());
    assert!((from - received).num_days() >= 30 && (from - received).num_days() < 50, "{received} -> {due_complex}");
    assert!((to - received).num_days() >= 50 && (to - received).num_days() < 55, "{received} -> {due_approved}");
    assert_eq!(count(&app, messages, 32).await, told_before + 1);
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    assert!(
        text.contains("card scheme") && text.contains(&due_approved),
        "the customer reads the reason and the new deadline: {text}"
    );
    // Answered once.
    let (_, text) = call(&app, "/api/staff/complaints/extension_answer", &supervisor, &approve).await;
    refused(&text, "not_now");
    let (status, text) = call(&app, "/api/staff/complaints/extension", &customer, &ask(5)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_handler_calls_back_a_customer_who_asked_for_a_call_and_records_it() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000034", "13800000034", now).await;
    let by_phone = FEE.replace("contact=sms", "contact=phone");
    let (status, text) = call(&app, "/api/complaints/file", &customer, &by_phone).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let one = format!("complaint_id={}", json(&text)["id"].as_i64().unwrap());
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let colleague = staff_signed_in(&app, "S0002", "13900000002", now).await;

    // Not before someone handles it; then only the handler gets the number to call.
    let said = format!("{one}&text=Called+at+10:05;+explained+the+fee;+the+customer+will+send+the+receipt.");
    let (status, _) = call(&app, "/api/staff/complaints/call", &agent, &said).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, text) = call(&app, "/api/staff/complaints/claim", &agent, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let desk = json(&text);
    assert_eq!(desk["call_back"], "13800000034");
    assert!(actions(&desk["detail"]).contains(&"record_call".to_owned()), "{desk}");
    let (_, text) = call(&app, "/api/staff/complaints/one", &colleague, &one).await;
    assert_eq!(json(&text)["call_back"], serde_json::Value::Null, "not the handler");

    // An empty record is refused; the customer cannot record calls; the handler's record is on
    // the customer's timeline, and the customer is told.
    let (status, text) = call(&app, "/api/staff/complaints/call", &agent, &format!("{one}&text=+")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("call") && text.contains("required"), "{text}");
    let (status, _) = call(&app, "/api/staff/complaints/call", &customer, &said).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) = call(&app, "/api/staff/complaints/call", &agent, &said).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(json(&text)["detail"]["summary"]["status"], "in_progress", "a call is a reply");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &one).await;
    let timeline = json(&text)["timeline"].as_array().unwrap().clone();
    let called = timeline.iter().find(|e| e["kind"] == "called").expect("the call is on the timeline");
    assert!(called["body"].as_str().unwrap().starts_with("Called at 10:05"), "{called}");
    let told = "SELECT COUNT(*) FROM notifications WHERE customer_id = $1 AND kind = 'complaint_reply'";
    assert_eq!(count(&app, told, 34).await, 1);
    app.cleanup().await;
}
