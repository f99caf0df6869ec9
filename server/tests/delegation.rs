//! Delegated staff sessions against a real database, through the HTTP routes and cookies a
//! browser uses:
//! - finding a customer: agents and supervisors search by customer number, mobile number or
//!   name; results are masked; a search that cannot be read is refused by name; customers and
//!   branch staff are refused; every search is in the audit trail;
//! - consent: the code goes by SMS (after a supervisor's approval for diamond-tier and employee
//!   customers); a wrong, expired or third wrong code, another agent or the wrong role gets
//!   nothing; the customer can refuse;
//! - the session: the customer's pages with both identities recorded; what only the customer may
//!   do refused (and allowed with the customer's own session, which is untouched); records made
//!   in it name the agent; it ends by the agent, the customer, a supervisor, 5 idle minutes or
//!   its 30-minute limit, and the agent's next page is their own home, saying so.

mod common;

use axum::body::Body;
use common::{TestApp, call, code_of_kind_sent_to, set_cookies, signed_in, split, staff_signed_in};
use http::{Request, StatusCode};
use serde_json::Value;

fn found(text: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
}

#[tokio::test]
async fn staff_find_a_customer_by_number_mobile_or_name_and_see_masked_details() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let customer = signed_in(&app, "C000012", "13800000012", now).await;
    let (name, tier): (String, String) =
        sqlx::query_as("SELECT name, tier FROM customers WHERE customer_no = 'C000012'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    let search = |q: &str| format!("query={}", q.replace(' ', "+"));

    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search("c000012")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by_number = found(&text);
    assert_eq!(by_number.len(), 1);
    let one = &by_number[0];
    assert_eq!(one["customer_no"], "C000012");
    assert_eq!(one["masked_phone"], "138****0012");
    assert_eq!(one["tier"], tier.as_str());
    let masked = one["masked_name"].as_str().unwrap();
    assert!(masked.starts_with(name.chars().next().unwrap()) && masked.contains('*'), "{masked}");
    assert!(!text.contains(&name), "the full name never leaves the server: {text}");
    assert!(!text.contains("13800000012"), "nor the full mobile number: {text}");

    let (status, text) = call(&app, "/api/staff/customers/search", &supervisor, &search("138 0000 0012")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(found(&text)[0]["customer_no"], "C000012");

    let start: String = name.chars().take(2).collect();
    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search(&start)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by_name = found(&text);
    assert!(by_name.iter().any(|c| c["customer_no"] == "C000012"), "{text}");
    assert!(by_name.len() <= 20);

    // LIKE's wildcards in a name are matched as they are.
    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search("%25%25")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(found(&text).is_empty(), "{text}");
    // Unreadable searches are refused, by name.
    for bad in ["C0000", "1380000", "王"] {
        let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {text}");
        assert!(text.contains("query"), "{text}");
    }
    // Not for customers or branch staff.
    for who in [&customer, &branch] {
        let (status, _) = call(&app, "/api/staff/customers/search", who, &search("C000012")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Every search that ran is recorded, with what was asked.
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'customer_search' ORDER BY id")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    assert!(recorded[0].contains("\"by\":\"customer_no\"") && recorded[0].contains("\"found\":1"), "{recorded:?}");
    assert!(recorded[1].contains("\"by\":\"mobile\""), "{recorded:?}");
    app.cleanup().await;
}

/// A form posted to a server function with these cookies: status, `Set-Cookie` values, text.
async fn post(app: &TestApp, endpoint: &str, cookie: &str, body: &str) -> (StatusCode, Vec<String>, String) {
    let request = Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", cookie)
        .body(Body::from(body.to_owned()))
        .unwrap();
    let (res, text) = split(app.send(request).await).await;
    let cookies = set_cookies(&res);
    (res.status(), cookies, text)
}

fn own(session: &app::auth::service::IssuedSession) -> String {
    format!("portal_session={}", session.access_token)
}

/// A customer an agent may help without a supervisor: (customer number, mobile, id).
async fn ordinary_customer(app: &TestApp, skip: i64) -> (String, String, i64) {
    sqlx::query_as(
        "SELECT customer_no, mobile, id FROM customers WHERE tier <> 'diamond' AND is_employee = 0 \
         AND status = 'active' AND ebanking_suspended = 0 AND id > 11 ORDER BY id LIMIT 1 OFFSET $1",
    )
    .bind(skip)
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

const REASON: &str = "Customer+asks+for+help+booking+a+branch+visit";

/// Agent `cookie` asks to help `customer_no`; answers the status and text.
async fn ask(app: &TestApp, cookie: &str, customer_no: &str) -> (StatusCode, String) {
    let body = format!("customer_no={customer_no}&reason={REASON}&reference=CT20261202001");
    let (status, _, text) = post(app, "/api/staff/assist/request", cookie, &body).await;
    (status, text)
}

async fn asked(app: &TestApp, cookie: &str, customer_no: &str) -> i64 {
    let (status, text) = ask(app, cookie, customer_no).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    text.parse().unwrap_or_else(|_| panic!("an id: {text}"))
}

/// Enters the consent code; answers the delegated session's token when it opened.
async fn enter(app: &TestApp, cookie: &str, id: i64, code: &str) -> (StatusCode, Option<String>, String) {
    let (status, cookies, text) = post(app, "/api/staff/assist/consent", cookie, &format!("id={id}&code={code}")).await;
    let token = cookies.iter().find_map(|c| {
        c.strip_prefix("portal_assist=")
            .map(|rest| rest.split(';').next().unwrap().to_owned())
            .filter(|t| !t.is_empty())
    });
    (status, token, text)
}

fn status_of(text: &str) -> String {
    serde_json::from_str::<Value>(text).map(|v| v["status"].as_str().unwrap_or_default().to_owned()).unwrap_or_default()
}

async fn delegation(app: &TestApp, id: i64) -> (String, Option<String>, Option<String>) {
    sqlx::query_as("SELECT status, end_reason, ended_by FROM delegations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(&app.state.pool).await.unwrap()
}

#[tokio::test]
async fn an_agent_helps_with_the_customers_consent_and_may_not_do_what_only_the_customer_may() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    let agent_id: i64 = count(&app, "SELECT id FROM staff_users WHERE staff_no = 'S0007' AND $1 = $1", 0).await;
    let (customer_no, mobile, customer_id) = ordinary_customer(&app, 0).await;
    let customer = signed_in(&app, &customer_no, &mobile, now).await;

    let id = asked(&app, &own(&agent), &customer_no).await;
    // The code goes by SMS, naming the agent and the reason, and shows on the customer's portal.
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    let outbox = std::fs::read_to_string(&app.config.portal.outbox_path).unwrap();
    assert!(outbox.lines().any(|l| l.contains("assist_consent_code") && l.contains("S0007")), "{outbox}");
    let header = app::auth::service::customer_for_header(&app.state.pool, customer_id).await.unwrap().unwrap();
    let notice = header.notice.at(now).expect("a notice");
    assert_eq!(notice.code.as_deref(), Some(code.as_str()));
    assert!(!notice.active);
    // One open request per customer, whoever asks.
    let other = staff_signed_in(&app, "S0008", "13900000008", now).await;
    let (status, text) = ask(&app, &own(&other), &customer_no).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("already_open"), "{text}");
    // Another agent cannot enter the code of this request; a wrong code is counted.
    let (status, token, _) = enter(&app, &own(&other), id, &code).await;
    assert_eq!((status, token), (StatusCode::NOT_FOUND, None));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, token, text) = enter(&app, &own(&agent), id, wrong).await;
    assert_eq!((status, token), (StatusCode::UNPROCESSABLE_ENTITY, None));
    assert!(text.contains("wrong:2"), "{text}");
    let (status, token, text) = enter(&app, &own(&agent), id, &code).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let token = token.expect("the session's cookie");
    // The token names the customer as subject and the agent as actor.
    let claims = app::auth::token::verify(&token, &app.state.signing_key, now).unwrap();
    assert_eq!(claims.sub, format!("customer:{customer_id}"));
    assert_eq!(claims.act.map(|a| a.sub), Some(format!("staff:{agent_id}")));
    assert!(claims.exp <= now + 30 * 60 + 5);
    let delegated = format!("{}; portal_assist={token}", own(&agent));

    // The agent reads the customer's data, in the customer's name.
    let (status, _, text) = post(&app, "/api/accounts/overview", &delegated, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Files a complaint for them: the record names the agent.
    let body =
        "kind=complaint&category=waiting_time&contact=sms&what_happened=The+counter+was+closed+at+noon+twice.&wanted=";
    let (status, _, text) = post(&app, "/api/complaints/file", &delegated, body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let complaint: i64 = serde_json::from_str::<Value>(&text).unwrap()["id"].as_i64().unwrap();
    assert_eq!(count(&app, "SELECT assisted_by FROM complaints WHERE id = $1", complaint).await, agent_id);
    let (status, _, text) =
        post(&app, "/api/complaints/one", &own(&customer), &format!("complaint_id={complaint}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("S0007"), "the customer sees who filed it: {text}");

    // What only the customer may do is refused, by the server, and each refusal recorded.
    let in_person = [
        ("/api/wealth/questionnaire", String::new()),
        ("/api/wealth/assessments/submit", "answers=1".to_owned()),
        ("/api/wealth/assessments/sign/start", "assessment_id=1".to_owned()),
        ("/api/wealth/cancel", "subscription_id=1".to_owned()),
        ("/api/accounts/reveal/start", "account_id=1".to_owned()),
        ("/api/settings/password/start", "current_password=Demo-2026!".to_owned()),
        ("/api/settings/sessions", String::new()),
        ("/api/settings/end-other-sessions", String::new()),
        ("/api/messages/preferences/save", "sms=true&email=false".to_owned()),
        ("/api/assist/refuse", format!("id={id}")),
    ];
    for (endpoint, body) in &in_person {
        let (status, _, text) = post(&app, endpoint, &delegated, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {text}");
        assert!(text.contains("InPersonOnly"), "{endpoint}: {text}");
    }
    // A delegated session never starts another delegation.
    let (status, _) = ask(&app, &delegated, &ordinary_customer(&app, 1).await.0).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'assisted_refused' AND acting_staff_id = $1 AND actor_kind = 'customer'",
        agent_id,
    )
    .await;
    assert_eq!(refused, in_person.len() as i64);
    // Every request in the session is recorded with both identities.
    let requests = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'assisted_request' AND acting_staff_id = $1",
        agent_id,
    )
    .await;
    assert!(requests >= in_person.len() as i64 + 3, "{requests}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE acting_staff_id IS NOT NULL AND (actor_kind <> 'customer' OR actor_id <> $1)",
            customer_id
        )
        .await,
        0
    );

    // The customer's own session is untouched, may do all of it, and does not list the agent's.
    for (endpoint, body) in &in_person[..8] {
        let (status, _, text) = post(&app, endpoint, &own(&customer), body).await;
        assert!(!text.contains("InPersonOnly") && status != StatusCode::FORBIDDEN, "{endpoint}: {status} {text}");
    }
    let (status, _, text) = post(&app, "/api/settings/sessions", &own(&customer), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&text).unwrap().len(), 1, "{text}");
    let (status, _, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
    assert_eq!(status, StatusCode::OK, "ending the customer's other sessions leaves the agent's");

    // The customer sees the session in Settings: who, why, what was done and refused.
    let (status, _, text) = post(&app, "/api/assist/mine", &own(&customer), "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let records: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["assist"]["staff_no"], "S0007");
    assert_eq!(records[0]["assist"]["status"], "Active");
    assert!(records[0]["done"].as_array().unwrap().iter().any(|d| d[0] == "complaint_filed"), "{text}");
    assert_eq!(records[0]["refused"].as_array().unwrap().len(), in_person.len());
    let done = records[0]["done"].as_array().unwrap();
    assert!(done.iter().all(|d| d[0] != "assisted_request" && d[0] != "assisted_refused"), "{text}");
    let requests = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'assisted_request' AND acting_staff_id = $1",
        agent_id,
    )
    .await;
    assert_eq!(records[0]["requests"], requests, "every request of the session, counted: {text}");

    // The customer ends it; the agent's next page is their own home, saying so.
    let (status, _, text) = post(&app, "/api/assist/stop", &own(&customer), &format!("id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        delegation(&app, id).await,
        ("ended".into(), Some("customer".into()), Some(format!("customer:{customer_id}")))
    );
    let (status, _, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the agent is only themselves again");
    let (res, page) = app.get("/accounts", &[("cookie", &delegated), ("accept", "text/html")]).await;
    assert!(res.status().is_redirection(), "{}: {page}", res.status());
    let location = res.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("/staff/home?assist_ended={id}"));
    let (status, _, text) = post(&app, "/api/staff/assist/status", &own(&agent), &format!("id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&text), "Ended");
    app.cleanup().await;
}

#[tokio::test]
async fn consent_is_refused_for_wrong_late_or_third_codes_and_by_the_customer() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let (customer_no, mobile, _) = ordinary_customer(&app, 2).await;
    let customer = signed_in(&app, &customer_no, &mobile, now).await;

    // Branch staff and customers cannot ask; a bad reason or reference is named.
    let (status, _) = ask(&app, &own(&branch), &customer_no).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ask(&app, &own(&customer), &customer_no).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, text) = post(
        &app,
        "/api/staff/assist/request",
        &own(&agent),
        &format!("customer_no={customer_no}&reason=help&reference=x"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("reason_too_short") && text.contains("reference_unreadable"), "{text}");
    let (status, _, text) = post(
        &app,
        "/api/staff/assist/request",
        &own(&agent),
        &format!("customer_no={customer_no}&reason={REASON}&reference=TS-2026-999999"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("reference_unknown"), "{text}");

    // Not for a customer whose e-banking is suspended.
    let (status, text) = ask(&app, &own(&agent), "C000010").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("suspended"), "{text}");

    // Three wrong codes cancel the request.
    let id = asked(&app, &own(&agent), &customer_no).await;
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for expected in ["wrong:2", "wrong:1", "cancelled"] {
        let (status, token, text) = enter(&app, &own(&agent), id, wrong).await;
        assert_eq!((status, token), (StatusCode::UNPROCESSABLE_ENTITY, None));
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let (_, token, _) = enter(&app, &own(&agent), id, &code).await;
    assert_eq!(token, None, "the right code after the third wrong one opens nothing");
    assert_eq!(delegation(&app, id).await.0, "cancelled");

    // A code lives 5 minutes.
    let id = asked(&app, &own(&agent), &customer_no).await;
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    sqlx::query("UPDATE delegations SET code_sent_at = code_sent_at - 300 WHERE id = $1")
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, token, text) = enter(&app, &own(&agent), id, &code).await;
    assert_eq!((status, token), (StatusCode::UNPROCESSABLE_ENTITY, None));
    assert!(text.contains("expired"), "{text}");

    // The customer refuses from their portal; the right code then opens nothing.
    let id = asked(&app, &own(&agent), &customer_no).await;
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    let (status, _, text) = post(&app, "/api/assist/refuse", &own(&customer), &format!("id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, token, _) = enter(&app, &own(&agent), id, &code).await;
    assert_eq!((status, token), (StatusCode::UNPROCESSABLE_ENTITY, None));
    assert_eq!(delegation(&app, id).await.0, "refused");
    // No session was ever opened for the agent.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sessions WHERE acting_staff_id IS NOT NULL AND $1 = $1", 0).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn diamond_and_employee_customers_need_a_supervisor_before_the_code_is_sent() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    for (customer_no, mobile) in [("C000004", "13800000004"), ("C000003", "13800000003")] {
        let id = asked(&app, &own(&agent), customer_no).await;
        assert_eq!(delegation(&app, id).await.0, "awaiting_approval", "{customer_no}");
        let outbox = std::fs::read_to_string(&app.config.portal.outbox_path).unwrap_or_default();
        assert!(!outbox.lines().any(|l| l.contains(mobile) && l.contains("assist_consent_code")), "no code yet");
        // The agent cannot approve; the supervisor can, and then the code goes.
        let (status, _, _) =
            post(&app, "/api/staff/assist/decide", &own(&agent), &format!("id={id}&approve=true")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, text) =
            post(&app, "/api/staff/assist/decide", &own(&supervisor), &format!("id={id}&approve=true")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let code = code_of_kind_sent_to(&app, mobile, "assist_consent_code");
        let (status, token, text) = enter(&app, &own(&agent), id, &code).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(token.is_some());
        // A supervisor ends a live session.
        let (status, _, text) = post(&app, "/api/assist/end", &own(&supervisor), &format!("id={id}")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(delegation(&app, id).await.1.as_deref(), Some("supervisor"));
    }
    // A supervisor's own request is approved by another supervisor only.
    let id = asked(&app, &own(&supervisor), "C000004").await;
    let (status, _, text) =
        post(&app, "/api/staff/assist/decide", &own(&supervisor), &format!("id={id}&approve=true")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    // Supervisors review every session; agents cannot.
    let (status, _, text) =
        post(&app, "/api/staff/assist/list", &own(&supervisor), "staff_no=S0007&customer_no=&day=&refused_only=false")
            .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(serde_json::from_str::<Vec<Value>>(&text).unwrap().len(), 2);
    let (status, _, _) =
        post(&app, "/api/staff/assist/list", &own(&agent), "staff_no=&customer_no=&day=&refused_only=false").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn a_session_ends_after_five_idle_minutes_or_thirty_in_all_and_when_the_agent_ends_it() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    for (skip, shift, reason) in
        [(3, "last_seen_at = last_seen_at - 300", "idle"), (4, "created_at = created_at - 1800", "time_limit")]
    {
        let (customer_no, mobile, _) = ordinary_customer(&app, skip).await;
        let id = asked(&app, &own(&agent), &customer_no).await;
        let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
        let (_, token, _) = enter(&app, &own(&agent), id, &code).await;
        let delegated = format!("{}; portal_assist={}", own(&agent), token.unwrap());
        let (status, _, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
        assert_eq!(status, StatusCode::OK);
        sqlx::query(&format!("UPDATE sessions SET {shift} WHERE acting_staff_id IS NOT NULL AND revoked_at IS NULL"))
            .execute(&app.state.pool)
            .await
            .unwrap();
        let (status, cookies, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{reason}");
        assert!(cookies.iter().any(|c| c.starts_with("portal_assist=;")), "the cookie is dropped: {cookies:?}");
        assert_eq!(delegation(&app, id).await, ("ended".into(), Some(reason.into()), Some("system".into())));
    }
    // The agent ends it from the banner: back to their own home.
    let (customer_no, mobile, _) = ordinary_customer(&app, 5).await;
    let id = asked(&app, &own(&agent), &customer_no).await;
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    let (_, token, _) = enter(&app, &own(&agent), id, &code).await;
    let delegated = format!("{}; portal_assist={}", own(&agent), token.unwrap());
    // Outside the session, an agent cannot end one: that is for supervisors.
    let (status, _, _) = post(&app, "/api/assist/end", &own(&agent), &format!("id={id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, cookies, text) = post(&app, "/api/assist/end", &delegated, &format!("id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(cookies.iter().any(|c| c.starts_with("portal_assist=;")), "{cookies:?}");
    assert_eq!(delegation(&app, id).await.1.as_deref(), Some("agent"));
    // The agent's own session was never ended by it.
    let (status, _, _) = post(&app, "/api/staff/assist/status", &own(&agent), &format!("id={id}")).await;
    assert_eq!(status, StatusCode::OK);

    // Work in the customer's session keeps the agent's own alive; when the agent's own session
    // ends, so does the delegated one.
    let (customer_no, mobile, _) = ordinary_customer(&app, 6).await;
    let id = asked(&app, &own(&agent), &customer_no).await;
    let code = code_of_kind_sent_to(&app, &mobile, "assist_consent_code");
    let (_, token, _) = enter(&app, &own(&agent), id, &code).await;
    let delegated = format!("{}; portal_assist={}", own(&agent), token.unwrap());
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 200 WHERE id = $1")
        .bind(&agent.session_id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, _, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
    assert_eq!(status, StatusCode::OK);
    let seen: i64 = sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE id = $1")
        .bind(&agent.session_id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert!(seen >= now, "the agent's own session counts the request as activity");
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&agent.session_id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, _, _) = post(&app, "/api/accounts/overview", &delegated, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(delegation(&app, id).await.1.as_deref(), Some("agent_signed_out"));
    app.cleanup().await;
}

#[tokio::test]
async fn requests_left_past_their_time_are_expired_when_delegations_are_next_listed() {
    use app::delegation::service::settle;
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    // Diamond and employee customers wait for a supervisor; an ordinary one gets a code.
    let waiting = asked(&app, &own(&agent), "C000004").await;
    let undecided = asked(&app, &own(&agent), "C000003").await;
    let (customer_no, _, _) = ordinary_customer(&app, 0).await;
    let unused = asked(&app, &own(&agent), &customer_no).await;
    settle(pool, now).await.unwrap();
    for id in [waiting, undecided, unused] {
        assert!(delegation(&app, id).await.0.starts_with("awaiting_"), "nothing has run out yet: {id}");
    }

    // Half an hour without a decision; five minutes since the code went out. Counted from when
    // the requests were made, by the server's clock, read after them: `now` was read before, and
    // on a busy machine a second or more can pass before the last request is made (a request aged
    // by exactly its lifetime was then still a second short of it at `now`).
    for (sql, id) in [
        ("UPDATE delegations SET requested_at = requested_at - 1800 WHERE id = $1", undecided),
        ("UPDATE delegations SET code_sent_at = code_sent_at - 300 WHERE id = $1", unused),
    ] {
        sqlx::query(sql).bind(id).execute(pool).await.unwrap();
    }
    settle(pool, app.state.now()).await.unwrap();
    assert_eq!(delegation(&app, waiting).await.0, "awaiting_approval");
    let ended = |id: i64| async move {
        sqlx::query_as::<_, (String, Option<i64>, i64, Option<i64>, Option<String>)>(
            "SELECT status, ended_at, requested_at, code_sent_at, consent_code FROM delegations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let (status, ended_at, requested_at, _, _) = ended(undecided).await;
    assert_eq!((status.as_str(), ended_at), ("expired", Some(requested_at + 1800)), "ended when its time ran out");
    let (status, ended_at, _, code_sent_at, code) = ended(unused).await;
    assert_eq!((status.as_str(), ended_at, code), ("expired", code_sent_at.map(|t| t + 300), None));

    // The customer may be asked again: the expired request no longer holds their one open place.
    asked(&app, &own(&agent), &customer_no).await;
    app.cleanup().await;
}
