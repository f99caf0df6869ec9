//! Satisfaction after a branch visit, against a real database through the server functions:
//! checking a visitor in records who did it and asks the customer, once, to rate the visit; only
//! the visit's own customer rates it, only once it is checked in, and only once (also when sent
//! twice at once); staff cannot rate for a customer; a complaint about the visit is the customer's
//! own, merged with a repeat, and whoever checked the visitor in never sees, claims or is given it.

mod common;

use common::{TestApp, call, server_fn_request, signed_in, split, staff_signed_in};
use http::StatusCode;

async fn scalar(app: &TestApp, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(&app.state.pool).await.unwrap()
}

#[tokio::test]
async fn a_checked_in_visit_is_rated_once_by_its_customer_and_its_complaint_keeps_the_checker_out() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let now = chrono::Utc::now().timestamp();
    // A visit of C000031 at B002, starting in 10 minutes (so it can be checked in now).
    let visit: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (reference, customer_id, branch_id, service_id, starts_at, ends_at, status, \
         regular_place, created_at) \
         SELECT 'APRATE0001', 31, b.id, s.id, $1, $2, 'booked', 1, $3 FROM branches b, services s \
         WHERE b.code = 'B002' AND s.code = 'card_replacement' RETURNING id",
    )
    .bind(now + 600)
    .bind(now + 1800)
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    let customer = signed_in(&app, "C000031", "13800000031", now).await;
    let other = signed_in(&app, "C000032", "13800000032", now).await;
    let checker = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let colleague = staff_signed_in(&app, "S0102", "13900000102", now).await;
    let checker_id = scalar(&app, "SELECT id FROM staff_users WHERE staff_no = 'S0101' AND $1 = $1", 0).await;

    let rate = |waiting: u8, attitude: u8, handling: u8, comment: &str| {
        format!("appointment_id={visit}&waiting={waiting}&attitude={attitude}&handling={handling}&comment={comment}")
    };
    let low = rate(1, 4, 3, "Waited+forty+minutes+past+my+booked+time.");

    // Not before staff have checked the visitor in.
    let (status, text) = call(&app, "/api/appointments/rate", &customer, &low).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("not_checked_in"), "{text}");

    // A supervisor checks the visitor in: recorded, and the customer is asked once to rate it.
    let mark = format!("appointment_id={visit}&outcome=checked_in");
    let (status, text) = call(&app, "/api/staff/appointments/mark", &checker, &mark).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by: Option<i64> = sqlx::query_scalar("SELECT checked_in_by FROM appointments WHERE id = $1")
        .bind(visit)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(by, Some(checker_id));
    let asked: Vec<String> =
        sqlx::query_scalar("SELECT params FROM notifications WHERE customer_id = 31 AND kind = 'visit_rating'")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0].contains(&format!("/appointments/{visit}#rate")), "the message links to the form: {asked:?}");

    // Every score is required; the answer names the question.
    let (status, text) = call(&app, "/api/appointments/rate", &customer, &rate(0, 4, 3, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("waiting") && text.contains("required"), "{text}");
    let (status, text) = call(&app, "/api/appointments/rate", &customer, &rate(1, 4, 9, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("handling"), "{text}");
    // Nobody else rates it: another customer finds no such visit, staff are refused.
    let (status, _) = call(&app, "/api/appointments/rate", &other, &low).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "/api/appointments/rate", &checker, &low).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM visit_ratings WHERE appointment_id = $1", visit).await, 0);

    // Rated once, even when the same rating is sent three times at once.
    let sends = (0..3).map(|_| app.send(server_fn_request("/api/appointments/rate", &customer, &low)));
    let mut accepted = 0;
    for answer in futures::future::join_all(sends).await {
        let (res, text) = split(answer).await;
        if res.status() == StatusCode::OK {
            accepted += 1;
            let shown: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(shown["waiting"], 1, "{text}");
        } else {
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
            assert!(text.contains("already_rated"), "{text}");
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM visit_ratings WHERE appointment_id = $1", visit).await, 1);
    let (status, text) = call(&app, "/api/appointments/rate", &customer, &rate(5, 5, 5, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("already_rated"), "{text}");

    // The low rating becomes a complaint about the visit; only its own customer may link it.
    let complaint = format!(
        "kind=complaint&category=waiting_time&contact=message&appointment_id={visit}\
         &what_happened=Waited+forty+minutes+past+my+booked+time.&wanted="
    );
    let (status, _) = call(&app, "/api/complaints/file", &other, &complaint).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text) = call(&app, "/api/complaints/file", &customer, &complaint).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let filed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let id = filed["id"].as_i64().unwrap();
    assert_eq!(filed["merged"], false);
    let (status, text) = call(&app, "/api/complaints/file", &customer, &complaint).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let again: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!((again["id"].as_i64(), again["merged"].as_bool()), (Some(id), Some(true)), "the same visit's repeat");
    let (_, text) = call(&app, "/api/complaints/one", &customer, &format!("complaint_id={id}")).await;
    let detail: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(detail["visit"], serde_json::json!([visit, "APRATE0001"]), "{text}");

    // Whoever checked the visitor in is kept out of it; a colleague handles it.
    let one = format!("complaint_id={id}");
    let (status, _) = call(&app, "/api/staff/complaints/one", &checker, &one).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "/api/staff/complaints/claim", &checker, &one).await;
    assert_ne!(status, StatusCode::OK);
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &colleague, &format!("{one}&assignee={checker_id}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("recused"), "{text}");
    let (status, text) = call(&app, "/api/staff/complaints/claim", &colleague, &one).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, text) = call(&app, "/api/staff/complaints/one", &colleague, &one).await;
    assert!(text.contains("APRATE0001"), "the desk sees which visit: {text}");

    // A complaint about a transaction that the checker already handles: a repeat that also names
    // the visit joins it, and the checker steps aside (it goes back to the queue).
    let (account, transaction): (i64, i64) = sqlx::query_as(
        "SELECT a.id, t.id FROM accounts a JOIN transactions t ON t.account_id = a.id \
         WHERE a.customer_id = 31 AND a.kind = 'demand' ORDER BY t.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let about_fee = format!(
        "kind=complaint&category=fees&contact=message&account_id={account}&transaction_id={transaction}\
         &what_happened=A+fee+was+taken+at+the+counter.&wanted="
    );
    let (status, text) = call(&app, "/api/complaints/file", &customer, &about_fee).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let fee = format!("complaint_id={}", serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"]);
    let (status, text) = call(&app, "/api/staff/complaints/claim", &checker, &fee).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, text) =
        call(&app, "/api/complaints/file", &customer, &format!("{about_fee}&appointment_id={visit}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap()["merged"], true);
    let (status, _) = call(&app, "/api/staff/complaints/one", &checker, &fee).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the checker no longer sees it");
    let (_, text) = call(&app, "/api/staff/complaints/one", &colleague, &fee).await;
    let desk: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(desk["handler_id"], serde_json::Value::Null, "back in the queue: {text}");
    assert!(text.contains("\"unassigned\""), "the desk reads why: {text}");
    let (status, text) =
        call(&app, "/api/staff/complaints/assign", &colleague, &format!("{fee}&assignee={checker_id}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    app.cleanup().await;
}
