//! Changing a password (current password, then a code) and resetting a forgotten one (login ID
//! and registered mobile, then a code), against a real database.

mod common;

use app::auth::rules::PasswordRule;
use app::auth::service::{
    SignInError, finish_password_change, finish_password_reset, start_password_change, start_password_reset,
    start_sign_in,
};
use app::auth::{Door, SignInRefusal};
use app::guard::authenticate;
use common::{
    PASSWORD, TestApp, client, code_of_kind_sent_to, cookie_pair, deps, plain_form_post, signed_in, signed_in_at,
};

const NEW_PASSWORD: &str = "Harbour7Lantern";

fn refusal<T: std::fmt::Debug>(result: Result<T, SignInError>) -> SignInRefusal {
    match result {
        Err(SignInError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn outbox(app: &TestApp) -> Vec<serde_json::Value> {
    std::fs::read_to_string(&app.config.portal.outbox_path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn a_customer_changes_their_password_with_the_current_one_and_a_code() {
    let app = TestApp::spawn(&[]).await;
    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    let now = chrono::Utc::now().timestamp();
    let phone = signed_in(&app, "C000020", "13800000020", now - 120).await;
    let laptop = signed_in(&app, "C000020", "13800000020", now).await;
    let me = authenticate(pool, key, &laptop.access_token, now).await.unwrap().unwrap();

    assert_eq!(
        refusal(start_password_change(&deps(&app), &me, "wrong", &client(), now).await),
        SignInRefusal::WrongCredentials { attempts_left: 4 },
        "a wrong current password counts towards the lock"
    );
    let challenge = start_password_change(&deps(&app), &me, PASSWORD, &client(), now).await.unwrap();
    let code = code_of_kind_sent_to(&app, "13800000020", "password_change_code");

    // A weak password is refused before the code is spent.
    let weak = finish_password_change(&deps(&app), &me, &challenge.id, &code, "c000020abc9", &client(), now).await;
    assert_eq!(refusal(weak), SignInRefusal::WeakPassword { rules: vec![PasswordRule::NotTheLoginId] });
    finish_password_change(&deps(&app), &me, &challenge.id, &code, NEW_PASSWORD, &client(), now).await.unwrap();

    assert!(authenticate(pool, key, &laptop.access_token, now).await.unwrap().is_some(), "this device stays");
    assert!(authenticate(pool, key, &phone.access_token, now).await.unwrap().is_none(), "others are signed out");
    let old = start_sign_in(&deps(&app), Door::Customer, "C000020", PASSWORD, &client(), now + 60).await;
    assert!(matches!(refusal(old), SignInRefusal::WrongCredentials { .. }), "the old password is gone");
    signed_in_at(&app, Door::Customer, "C000020", "13800000020", NEW_PASSWORD, now + 120).await;

    assert!(outbox(&app).iter().any(|m| m["to"] == "13800000020" && m["kind"] == "password_changed"));
    let events: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM audit_events WHERE subject_customer_id = 20 ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert!(events.iter().any(|k| k == "password_changed"), "{events:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_code_works_only_for_its_own_purpose_and_person() {
    let app = TestApp::spawn(&[]).await;
    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    let now = chrono::Utc::now().timestamp();
    let a = signed_in(&app, "C000021", "13800000021", now).await;
    let b = signed_in(&app, "C000022", "13800000022", now).await;
    let a = authenticate(pool, key, &a.access_token, now).await.unwrap().unwrap();
    let b = authenticate(pool, key, &b.access_token, now).await.unwrap().unwrap();

    // A sign-in challenge cannot change a password.
    let sign_in = start_sign_in(&deps(&app), Door::Customer, "C000021", PASSWORD, &client(), now + 60).await.unwrap();
    let code = common::code_sent_to(&app, "13800000021");
    let r = finish_password_change(&deps(&app), &a, &sign_in.id, &code, NEW_PASSWORD, &client(), now + 60).await;
    assert_eq!(refusal(r), SignInRefusal::CodeExpired);

    // B cannot spend A's password-change code.
    let challenge = start_password_change(&deps(&app), &a, PASSWORD, &client(), now).await.unwrap();
    let code = code_of_kind_sent_to(&app, "13800000021", "password_change_code");
    let r = finish_password_change(&deps(&app), &b, &challenge.id, &code, NEW_PASSWORD, &client(), now).await;
    assert_eq!(refusal(r), SignInRefusal::CodeExpired);
    start_sign_in(&deps(&app), Door::Customer, "C000022", PASSWORD, &client(), now + 120)
        .await
        .expect("B's password is unchanged");
    app.cleanup().await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_id_mobile_and_code_which_also_lifts_a_lock() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000023", "13800000023", now - 60).await;
    for _ in 0..5 {
        let _ = start_sign_in(&deps(&app), Door::Customer, "C000023", "wrong", &client(), now).await;
    }
    let locked = start_sign_in(&deps(&app), Door::Customer, "C000023", PASSWORD, &client(), now).await;
    assert!(matches!(refusal(locked), SignInRefusal::Locked { .. }));

    // Details that do not belong together get the same answer, and no message goes anywhere.
    let sent_before = outbox(&app).len();
    let unmatched = start_password_reset(&deps(&app), "C000023", "13800000099", &client(), now).await.unwrap();
    assert_eq!(unmatched.masked_phone, "138****0099");
    assert_eq!(outbox(&app).len(), sent_before);
    let r = finish_password_reset(&deps(&app), &unmatched.id, "123456", NEW_PASSWORD, &client(), now).await;
    assert_eq!(refusal(r), SignInRefusal::CodeExpired);

    let challenge = start_password_reset(&deps(&app), "c000023", "138 0000 0023", &client(), now).await.unwrap();
    assert_eq!(challenge.masked_phone, "138****0023");
    let code = code_of_kind_sent_to(&app, "13800000023", "password_reset_code");
    let weak = finish_password_reset(&deps(&app), &challenge.id, &code, "13800000023a", &client(), now).await;
    assert!(matches!(refusal(weak), SignInRefusal::WeakPassword { .. }));
    finish_password_reset(&deps(&app), &challenge.id, &code, NEW_PASSWORD, &client(), now).await.unwrap();
    assert!(
        finish_password_reset(&deps(&app), &challenge.id, &code, NEW_PASSWORD, &client(), now).await.is_err(),
        "the code worked once"
    );

    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    assert!(authenticate(pool, key, &session.access_token, now).await.unwrap().is_none(), "every session ended");
    signed_in_at(&app, Door::Customer, "C000023", "13800000023", NEW_PASSWORD, now + 60).await;
    app.cleanup().await;
}

#[tokio::test]
async fn password_functions_need_their_session_and_name_missing_fields() {
    use http::StatusCode;
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let post = |endpoint: &'static str, body: &'static str| {
        http::Request::post(endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let (res, _) = common::split(app.send(post("/api/settings/password/start", "current_password=x")).await).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (res, body) =
        common::split(app.send(post("/api/password-reset/start", "login_id=C000001&mobile=")).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("mobile"), "{body}");
    app.cleanup().await;
}

/// The forgotten-password page is plain forms: each step answers with a redirect to the page,
/// which shows the step this browser's reset cookie says, and a refusal at its field.
#[tokio::test]
async fn the_reset_page_goes_step_by_step_by_plain_forms() {
    let app = TestApp::spawn(&[]).await;
    let page = "http://localhost/forgot-password";
    let html_of = |location: String, cookie: String| {
        let app = &app;
        async move { app.get(&location, &[("accept", "text/html"), ("cookie", &cookie)]).await.1 }
    };
    let (status, location, set) =
        plain_form_post(&app, "/api/password-reset/start", page, "login_id=C000024&mobile=13800000024", "").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location, "/forgot-password");
    assert!(set.iter().any(|c| c.starts_with("portal_reset=") && c.contains("HttpOnly")), "{set:?}");
    let cookie = cookie_pair(&set, "portal_reset");

    // Without the cookie the page asks for the ID; with it, for the code sent to the phone.
    assert!(!html_of(location.clone(), String::new()).await.contains(r#"name="challenge_id""#));
    let html = html_of(location, cookie.clone()).await;
    assert!(html.contains("138****0024"), "where the code went");
    let challenge = html.split(r#"name="challenge_id" value=""#).nth(1).and_then(|s| s.split('"').next()).unwrap();
    let code = code_of_kind_sent_to(&app, "13800000024", "password_reset_code");

    // Two different entries: back to the page, the refusal at the second one.
    let body = |again: &str| {
        format!("challenge_id={challenge}&code={code}&new_password={NEW_PASSWORD}&confirm_password={again}")
    };
    let (_, location, _) =
        plain_form_post(&app, "/api/password-reset/finish", page, &body("Harbour7Lanterm"), &cookie).await;
    assert!(location.starts_with("http://localhost/forgot-password?__path="), "{location}");
    assert!(!location.contains(NEW_PASSWORD), "no password in an address");
    let html = html_of(location, cookie.clone()).await;
    assert!(html.contains(r#"<p id="confirm-password-error" class="error">"#), "shown");
    assert!(html.contains(r#"id="new-password-error" hidden"#), "not this one");

    // Done: on to the page saying so, the reset forgotten, the new password in force.
    let (_, location, set) =
        plain_form_post(&app, "/api/password-reset/finish", page, &body(NEW_PASSWORD), &cookie).await;
    assert_eq!(location, "/forgot-password?done=reset");
    assert_eq!(cookie_pair(&set, "portal_reset"), "portal_reset=");
    assert!(html_of(location, String::new()).await.contains("密码已重置"));
    let now = chrono::Utc::now().timestamp();
    signed_in_at(&app, Door::Customer, "C000024", "13800000024", NEW_PASSWORD, now + 60).await;
    app.cleanup().await;
}
