//! Customer sign-in against a real database: password, lockout, the SMS code from the outbox,
//! the session it opens, and the audit trail it leaves. Demo customers' password: Demo-2026!

mod common;

use app::auth::service::{
    SignInError, end_other_sessions, end_session, finish_sign_in, live_sessions, refresh, security_activity, sign_out,
    start_sign_in,
};
use app::auth::token::verify;
use app::auth::{Challenge, Door, SignInRefusal};
use app::guard::authenticate;
use common::{PASSWORD, TestApp, client, code_sent_to, cookie_pair, deps, set_cookies, signed_in};

const NOW: i64 = 1_800_000_000;

fn refusal(result: Result<impl std::fmt::Debug, SignInError>) -> SignInRefusal {
    match result {
        Err(SignInError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn start(app: &TestApp, login: &str, password: &str, now: i64) -> Result<Challenge, SignInError> {
    start_sign_in(&deps(app), Door::Customer, login, password, &client(), now).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.state.pool).await.unwrap()
}

#[tokio::test]
async fn a_customer_signs_in_with_password_and_the_sms_code() {
    let app = TestApp::spawn(&[]).await;
    // The access token is checked against the wall clock, so this test runs at the real time.
    let now = chrono::Utc::now().timestamp();
    let challenge = start(&app, "c000001", PASSWORD, now).await.unwrap();
    assert_eq!(challenge.masked_phone, "138****0001");
    let code = code_sent_to(&app, "13800000001");
    let session = finish_sign_in(&deps(&app), &challenge.id, &code, &client(), now).await.unwrap();
    assert_eq!(session.principal, "customer:1");
    let claims = verify(&session.access_token, &app.state.signing_key, now).unwrap();
    assert_eq!(claims.sub, "customer:1");
    assert_eq!(claims.sid, session.session_id);
    assert_eq!(claims.exp - claims.iat, 5 * 60, "access tokens live 5 minutes");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sessions WHERE principal = 'customer:1'").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'sign_in_succeeded' AND subject_customer_id = 1")
            .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'code_sent' AND subject_customer_id = 1").await,
        1
    );
    let stored_plain =
        count(&app, &format!("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = '{}'", session.refresh_token))
            .await;
    assert_eq!(stored_plain, 0, "refresh tokens are stored only as hashes");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM refresh_tokens WHERE session_id = '{}'", session.session_id)).await,
        1
    );
    app.cleanup().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_sign_in_for_30_minutes_and_the_lock_then_ends() {
    let app = TestApp::spawn(&[]).await;
    for left in (1..=4).rev() {
        assert_eq!(
            refusal(start(&app, "C000002", "wrong", NOW).await),
            SignInRefusal::WrongCredentials { attempts_left: left }
        );
    }
    assert_eq!(refusal(start(&app, "C000002", "wrong", NOW).await), SignInRefusal::Locked { until: NOW + 1800 });
    assert_eq!(
        refusal(start(&app, "C000002", PASSWORD, NOW + 60).await),
        SignInRefusal::Locked { until: NOW + 1800 },
        "even the right password waits for the lock"
    );
    start(&app, "C000002", PASSWORD, NOW + 1801).await.expect("the lock has ended");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'sign_in_locked' AND subject_customer_id = 2")
            .await,
        1
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_right_password_resets_the_count_of_wrong_ones() {
    let app = TestApp::spawn(&[]).await;
    for _ in 0..3 {
        refusal(start(&app, "C000003", "wrong", NOW).await);
    }
    start(&app, "C000003", PASSWORD, NOW).await.unwrap();
    assert_eq!(
        refusal(start(&app, "C000003", "wrong", NOW + 120).await),
        SignInRefusal::WrongCredentials { attempts_left: 4 }
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_unknown_login_id_is_answered_exactly_like_a_wrong_password() {
    let app = TestApp::spawn(&[]).await;
    assert_eq!(
        refusal(start(&app, "C999999", PASSWORD, NOW).await),
        SignInRefusal::WrongCredentials { attempts_left: 4 }
    );
    assert_eq!(
        refusal(start(&app, "C000004", "wrong", NOW).await),
        SignInRefusal::WrongCredentials { attempts_left: 4 }
    );
    app.cleanup().await;
}

#[tokio::test]
async fn suspended_e_banking_is_refused_but_only_after_the_right_password() {
    let app = TestApp::spawn(&[]).await;
    assert_eq!(refusal(start(&app, "C000010", PASSWORD, NOW).await), SignInRefusal::ServiceSuspended);
    assert_eq!(
        refusal(start(&app, "C000010", "wrong", NOW).await),
        SignInRefusal::WrongCredentials { attempts_left: 4 },
        "a wrong password reveals nothing about the account"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_customer_whose_accounts_are_all_frozen_cannot_sign_in() {
    let app = TestApp::spawn(&[]).await;
    sqlx::query("UPDATE accounts SET status = 'frozen' WHERE customer_id = 5").execute(&app.state.pool).await.unwrap();
    assert_eq!(refusal(start(&app, "C000005", PASSWORD, NOW).await), SignInRefusal::ServiceSuspended);
    app.cleanup().await;
}

#[tokio::test]
async fn a_wrong_code_says_how_many_entries_remain_and_the_fifth_voids_it() {
    let app = TestApp::spawn(&[]).await;
    let challenge = start(&app, "C000006", PASSWORD, NOW).await.unwrap();
    let code = code_sent_to(&app, "13800000006");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let r = finish_sign_in(&deps(&app), &challenge.id, wrong, &client(), NOW + 10).await;
        assert_eq!(refusal(r), SignInRefusal::WrongCode { entries_left: left });
    }
    assert_eq!(
        refusal(finish_sign_in(&deps(&app), &challenge.id, wrong, &client(), NOW + 10).await),
        SignInRefusal::CodeExpired
    );
    assert_eq!(
        refusal(finish_sign_in(&deps(&app), &challenge.id, &code, &client(), NOW + 10).await),
        SignInRefusal::CodeExpired,
        "the right code no longer works"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_code_works_once_and_only_for_five_minutes() {
    let app = TestApp::spawn(&[]).await;
    let challenge = start(&app, "C000007", PASSWORD, NOW).await.unwrap();
    let code = code_sent_to(&app, "13800000007");
    let late = finish_sign_in(&deps(&app), &challenge.id, &code, &client(), NOW + 300).await;
    assert_eq!(refusal(late), SignInRefusal::CodeExpired);

    let challenge = start(&app, "C000007", PASSWORD, NOW + 400).await.unwrap();
    let code = code_sent_to(&app, "13800000007");
    finish_sign_in(&deps(&app), &challenge.id, &code, &client(), NOW + 410).await.unwrap();
    let again = finish_sign_in(&deps(&app), &challenge.id, &code, &client(), NOW + 411).await;
    assert_eq!(refusal(again), SignInRefusal::CodeExpired);
    app.cleanup().await;
}

#[tokio::test]
async fn codes_are_not_resent_within_a_minute() {
    let app = TestApp::spawn(&[]).await;
    start(&app, "C000008", PASSWORD, NOW).await.unwrap();
    assert_eq!(
        refusal(start(&app, "C000008", PASSWORD, NOW + 20).await),
        SignInRefusal::TooManyCodes { retry_after_secs: 40 }
    );
    start(&app, "C000008", PASSWORD, NOW + 61).await.unwrap();
    app.cleanup().await;
}

#[tokio::test]
async fn a_session_authenticates_until_it_is_signed_out_or_ends() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000009", "13800000009", now).await;
    let key = &app.state.signing_key;
    let pool = &app.state.pool;

    let who = authenticate(pool, key, &session.access_token, now).await.unwrap().expect("a live session");
    assert_eq!(who.customer_id(), Some(9));
    let past_absolute_end = now + 12 * 3600 + 1;
    assert_eq!(authenticate(pool, key, &session.access_token, past_absolute_end).await.unwrap(), None);
    assert_eq!(authenticate(pool, key, "garbage", now).await.unwrap(), None);

    sign_out(pool, &who, &client(), now).await.unwrap();
    assert_eq!(
        authenticate(pool, key, &session.access_token, now).await.unwrap(),
        None,
        "the token dies with its session"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE kind = 'sign_out' AND subject_customer_id = 9").await,
        1
    );
    app.cleanup().await;
}

#[tokio::test]
async fn customer_pages_open_with_the_session_cookie_and_close_after_sign_out() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000012", "13800000012", now).await;
    let cookie = format!("portal_session={}", session.access_token);

    let (res, html) = app.get("/accounts", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), http::StatusCode::OK);
    assert!(html.contains("<h1>账户"), "the page itself is rendered");

    let who = authenticate(&app.state.pool, &app.state.signing_key, &session.access_token, now).await.unwrap().unwrap();
    sign_out(&app.state.pool, &who, &client(), now).await.unwrap();
    let (res, _) = app.get("/accounts", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert!(res.status().is_redirection(), "a signed-out session's cookie opens nothing");
    app.cleanup().await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_session() {
    let app = TestApp::spawn(&[]).await;
    let session = signed_in(&app, "C000013", "13800000013", NOW).await;

    let first = refresh(&deps(&app), &session.refresh_token, &client(), NOW + 240).await.unwrap().expect("rotated");
    let second_token = first.refresh_token.clone().expect("a new refresh token");
    assert_ne!(second_token, session.refresh_token);
    let again = refresh(&deps(&app), &second_token, &client(), NOW + 480).await.unwrap().expect("rotated again");
    assert!(again.refresh_token.is_some());

    // The first token, spent long ago, comes back: someone copied it.
    let stolen = refresh(&deps(&app), &session.refresh_token, &client(), NOW + 500).await.unwrap();
    assert!(stolen.is_none());
    let revoked: Option<String> = sqlx::query_scalar("SELECT revoked_reason FROM sessions WHERE id = $1")
        .bind(&session.session_id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(revoked.as_deref(), Some("refresh_token_reuse"));
    assert!(
        refresh(&deps(&app), again.refresh_token.as_deref().unwrap(), &client(), NOW + 510).await.unwrap().is_none(),
        "the family is dead"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE kind = 'refresh_token_reused' AND subject_customer_id = 13"
        )
        .await,
        1
    );
    app.cleanup().await;
}

#[tokio::test]
async fn two_requests_racing_with_one_refresh_token_do_not_count_as_theft() {
    let app = TestApp::spawn(&[]).await;
    let session = signed_in(&app, "C000014", "13800000014", NOW).await;
    let winner = refresh(&deps(&app), &session.refresh_token, &client(), NOW + 100).await.unwrap().unwrap();
    assert!(winner.refresh_token.is_some());
    let racer = refresh(&deps(&app), &session.refresh_token, &client(), NOW + 101)
        .await
        .unwrap()
        .expect("within the grace period");
    assert!(racer.refresh_token.is_none(), "only an access token for the racer");
    let live: Option<i64> = sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE id = $1")
        .bind(&session.session_id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(live, None);
    app.cleanup().await;
}

#[tokio::test]
async fn an_idle_or_expired_session_cannot_be_refreshed() {
    let app = TestApp::spawn(&[]).await;
    let session = signed_in(&app, "C000015", "13800000015", NOW).await;
    assert!(
        refresh(&deps(&app), &session.refresh_token, &client(), NOW + 5 * 60).await.unwrap().is_none(),
        "idle 5 minutes"
    );

    let session = signed_in(&app, "C000015", "13800000015", NOW + 1000).await;
    let mut token = session.refresh_token;
    // Active every 4 minutes, the session still ends 12 hours after sign-in.
    let mut t = NOW + 1000;
    while t + 240 < NOW + 1000 + 12 * 3600 {
        t += 240;
        token = refresh(&deps(&app), &token, &client(), t).await.unwrap().expect("active").refresh_token.unwrap();
    }
    assert!(refresh(&deps(&app), &token, &client(), NOW + 1000 + 12 * 3600).await.unwrap().is_none(), "absolute end");
    app.cleanup().await;
}

#[tokio::test]
async fn a_page_request_with_only_the_refresh_cookie_gets_new_tokens() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000016", "13800000016", now).await;
    let cookie = format!("portal_refresh={}", session.refresh_token);
    let (res, html) = app.get("/accounts", &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), http::StatusCode::OK);
    assert!(html.contains("<h1>账户"));
    let set = set_cookies(&res);
    assert!(set.iter().any(|c| c.starts_with("portal_session=") && c.contains("HttpOnly")), "{set:?}");
    assert!(set.iter().any(|c| c.starts_with("portal_refresh=") && !c.contains(&session.refresh_token)), "{set:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn customers_see_and_end_only_their_own_sessions() {
    let app = TestApp::spawn(&[]).await;
    let (pool, key) = (&app.state.pool, &app.state.signing_key);
    let now = chrono::Utc::now().timestamp();
    // Tokens are checked against the wall clock: the phone signed in two minutes ago.
    let phone = signed_in(&app, "C000017", "13800000017", now - 120).await;
    let laptop = signed_in(&app, "C000017", "13800000017", now).await;
    let other = signed_in(&app, "C000018", "13800000018", now).await;
    let me = authenticate(pool, key, &laptop.access_token, now).await.unwrap().unwrap();
    let them = authenticate(pool, key, &other.access_token, now).await.unwrap().unwrap();

    let mine = live_sessions(pool, &me, now).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(
        mine.iter().filter(|s| s.current).map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec![laptop.session_id.as_str()]
    );
    assert!(mine.iter().all(|s| s.id != other.session_id), "another customer's session is not listed");

    assert!(!end_session(pool, &me, &other.session_id, &client(), now).await.unwrap(), "not theirs: not found");
    assert!(authenticate(pool, key, &other.access_token, now).await.unwrap().is_some(), "and it still works");
    assert!(!end_session(pool, &them, &phone.session_id, &client(), now).await.unwrap());

    assert_eq!(end_other_sessions(pool, &me, &client(), now).await.unwrap(), 1);
    assert!(authenticate(pool, key, &phone.access_token, now).await.unwrap().is_none(), "the phone is signed out");
    assert!(authenticate(pool, key, &laptop.access_token, now).await.unwrap().is_some(), "this device stays");

    let activity = security_activity(pool, 17, 20).await.unwrap();
    assert_eq!(activity.first().map(|a| a.kind.as_str()), Some("other_sessions_ended"));
    assert!(activity.iter().filter(|a| a.kind == "sign_in_succeeded").count() == 2);
    assert!(security_activity(pool, 18, 20).await.unwrap().iter().all(|a| a.kind != "other_sessions_ended"));
    app.cleanup().await;
}

/// A plain form post from the sign-in page (which loads no WASM).
async fn post_form(
    app: &TestApp,
    endpoint: &str,
    body: &str,
    cookies: &str,
) -> (http::StatusCode, String, Vec<String>) {
    common::plain_form_post(app, endpoint, "http://localhost/sign-in?next=/messages", body, cookies).await
}

#[tokio::test]
async fn the_sign_in_page_works_as_plain_forms_and_nothing_typed_reaches_an_address() {
    let app = TestApp::spawn(&[]).await;
    // Refused: back to the page, the refusal in the address, the login ID (not the password) in a cookie.
    let (status, location, set) = post_form(&app, "/api/sign-in/start", "login_id=C000001&password=not-it", "").await;
    assert_eq!(status, http::StatusCode::FOUND);
    assert!(location.starts_with("http://localhost/sign-in?next=/messages&__path="), "{location}");
    assert!(location.contains("__err="), "{location}");
    assert!(!location.contains("not-it") && !location.contains("C000001"), "{location}");
    let login = cookie_pair(&set, "portal_login");
    assert!(
        set.iter().any(|c| c.starts_with("portal_login=") && c.contains("HttpOnly") && c.contains("SameSite=Strict"))
    );
    let (_, html) = app.get("/sign-in", &[("cookie", &login)]).await;
    assert!(html.contains(r#"value="C000001""#), "the login ID is filled in again");

    // Accepted: back to the page, which now asks for the code.
    let (status, location, set) =
        post_form(&app, "/api/sign-in/start", &format!("login_id=C000001&password={PASSWORD}"), "").await;
    assert_eq!(status, http::StatusCode::FOUND);
    assert_eq!(location, "http://localhost/sign-in?next=%2Fmessages", "back to the page, the refusal gone");
    let pending = cookie_pair(&set, "portal_sign_in");
    let (_, html) = app.get("/sign-in?next=/messages", &[("cookie", &pending)]).await;
    assert!(html.contains("138****0001"), "the code step says where the code went");
    let challenge_id = pending.trim_start_matches("portal_sign_in=");
    assert!(html.contains(&format!(r#"name="challenge_id" value="{challenge_id}""#)));

    // The code: on to the page asked for, signed in, the sign-in's cookies gone.
    let code = code_sent_to(&app, "13800000001");
    let (status, location, set) = post_form(
        &app,
        "/api/sign-in/finish",
        &format!("challenge_id={challenge_id}&code={code}&next=%2Fmessages"),
        &pending,
    )
    .await;
    assert_eq!(status, http::StatusCode::FOUND);
    assert_eq!(location, "/messages");
    assert!(cookie_pair(&set, "portal_session").len() > "portal_session=".len());
    assert_eq!(cookie_pair(&set, "portal_sign_in"), "portal_sign_in=");
    assert_eq!(cookie_pair(&set, "portal_login"), "portal_login=");
    // A used challenge is no longer a code step.
    let (_, html) = app.get("/sign-in", &[("cookie", &pending)]).await;
    assert!(!html.contains("138****0001"));
    app.cleanup().await;
}
