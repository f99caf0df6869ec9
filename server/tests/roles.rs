//! Who may use what: staff sign in at their own door, and staff and customers can never use each
//! other's pages or server functions; every refusal is recorded in the audit trail.

mod common;

use app::auth::service::SignInError;
use app::auth::service::start_sign_in;
use app::auth::token::verify;
use app::auth::{Door, Role, SignInRefusal};
use common::{PASSWORD, TestApp, client, deps, server_fn_request, signed_in, split, staff_signed_in};
use http::StatusCode;

const STAFF_PASSWORD: &str = "Staff-2026!";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.state.pool).await.unwrap()
}

#[tokio::test]
async fn staff_sign_in_at_the_staff_door_with_their_own_code_and_get_their_role() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    assert_eq!(agent.role, Role::Agent);
    assert_eq!(verify(&agent.access_token, &app.state.signing_key, now).unwrap().role, Role::Agent);
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    assert_eq!(supervisor.role, Role::Supervisor);
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    assert_eq!(branch.role, Role::BranchStaff);

    // Each door knows only its own people: the same right password names nobody at the other.
    let at = |door, login: &'static str, password: &'static str| {
        let app = &app;
        async move { start_sign_in(&deps(app), door, login, password, &client(), now + 120).await }
    };
    for result in [at(Door::Customer, "S0002", STAFF_PASSWORD).await, at(Door::Staff, "C000003", PASSWORD).await] {
        assert!(matches!(result, Err(SignInError::Refused(SignInRefusal::WrongCredentials { .. }))), "{result:?}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_disabled_staff_account_is_refused_after_the_right_password() {
    let app = TestApp::spawn(&[]).await;
    sqlx::query("UPDATE staff_users SET status = 'disabled' WHERE staff_no = 'S0002'")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let wrong = start_sign_in(&deps(&app), Door::Staff, "S0002", "nope", &client(), now).await;
    assert!(matches!(wrong, Err(SignInError::Refused(SignInRefusal::WrongCredentials { .. }))));
    let right = start_sign_in(&deps(&app), Door::Staff, "S0002", STAFF_PASSWORD, &client(), now).await;
    assert!(matches!(right, Err(SignInError::Refused(SignInRefusal::AccountDisabled))), "{right:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_staff_session_is_refused_on_customer_functions_and_the_refusal_recorded() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    for endpoint in ["/api/settings/sessions", "/api/settings/activity", "/api/settings/end-other-sessions"] {
        let (res, body) = split(app.send(server_fn_request(endpoint, &agent, "")).await).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{endpoint}: {body}");
        assert!(body.contains("Forbidden"), "{endpoint}: {body}");
        assert!(!body.contains("13800"), "no customer data in the answer");
    }
    let denied =
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'permission_denied' AND actor_kind = 'staff'")
            .await;
    assert_eq!(denied, 3);
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'permission_denied' ORDER BY id LIMIT 1")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert!(detail.contains("/api/settings/sessions") && detail.contains("agent"), "{detail}");

    // Customer pages are closed to staff too (403, not the page), and staff pages open.
    let cookie = format!("portal_session={}", agent.access_token);
    let (res, html) = app.get("/settings", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(html.contains("您无权访问此页面") && !html.contains("登录设备"), "{html}");
    let (res, html) = app.get("/staff/home", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains("员工首页"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_customer_session_is_refused_on_staff_functions_and_pages() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000012", "13800000012", now).await;
    let (res, body) = split(app.send(server_fn_request("/api/staff/profile", &customer, "")).await).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "{body}");
    let denied = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'permission_denied' AND actor_kind = 'customer' AND subject_customer_id = 12",
    )
    .await;
    assert_eq!(denied, 1, "recorded, and shown in the customer's own security activity");

    let cookie = format!("portal_session={}", customer.access_token);
    let (res, html) = app.get("/staff/home", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(html.contains("此页面仅供本行员工使用"), "{html}");

    // A visitor is sent to the staff door and brought back afterwards.
    let (res, _) = app.get("/staff/home", &[("accept", "text/html")]).await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/staff?next=/staff/home");
    app.cleanup().await;
}

#[tokio::test]
async fn the_staff_function_answers_the_staff_member_with_their_own_profile() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let (res, body) = split(app.send(server_fn_request("/api/staff/profile", &branch, "")).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    let profile: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(profile["staff_no"], "S0201");
    assert_eq!(profile["role"], "branch_staff");
    assert!(profile["branch_zh"].as_str().is_some_and(|b| !b.is_empty()));
    app.cleanup().await;
}
