//! Elder mode and the colour theme: the switch remembers the choice in the browser's cookies and
//! goes back only to a page of this site; the server renders `<html>` from the cookies on the
//! first response; a signed-in customer's choice is kept with their profile and comes back when
//! they sign in elsewhere; customers aged 65 or more who never chose are offered elder mode.

mod common;

use axum::body::Body;
use common::{PASSWORD, TestApp, code_sent_to, set_cookies, signed_in, split};
use http::{Request, StatusCode};

async fn get(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, Option<String>, Vec<String>, String) {
    let request =
        Request::get(path).header("cookie", cookie).header("accept", "text/html").body(Body::empty()).unwrap();
    let (res, text) = split(app.send(request).await).await;
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    let cookies = set_cookies(&res);
    (res.status(), location, cookies, text)
}

async fn post_form(app: &TestApp, path: &str, body: &str) -> (StatusCode, Vec<String>, String) {
    let request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let (res, text) = split(app.send(request).await).await;
    let cookies = set_cookies(&res);
    (res.status(), cookies, text)
}

#[tokio::test]
async fn the_switch_remembers_the_choice_and_the_first_response_shows_it() {
    let app = TestApp::spawn(&[]).await;
    let (status, location, cookies, _) = get(&app, "/display?elder=1&back=/sign-in%3Fnext=/accounts", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/sign-in?next=/accounts"));
    assert!(cookies.iter().any(|c| c.starts_with("portal_elder=1;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("portal_theme=system;")), "{cookies:?}");
    // Only back to this site; unreadable choices are refused by name.
    let (_, location, _, _) = get(&app, "/display?theme=dark&back=//evil.example/", "").await;
    assert_eq!(location.as_deref(), Some("/"));
    for (query, named) in [("elder=yes", "elder"), ("theme=purple", "theme")] {
        let (status, _, _, text) = get(&app, &format!("/display?{query}&back=/"), "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(text.contains(named), "{text}");
    }
    // The first response carries the display: no flash of the other one.
    let html_tag = |page: &str| {
        let start = page.find("<html").expect("an html element");
        page[start..start + page[start..].find('>').unwrap()].to_owned()
    };
    let (status, _, _, page) = get(&app, "/", "portal_elder=1; portal_theme=dark").await;
    assert_eq!(status, StatusCode::OK);
    let tag = html_tag(&page);
    assert!(tag.contains(r#"class="elder""#) && tag.contains(r#"data-theme="dark""#), "{tag}");
    let (_, _, _, page) = get(&app, "/", "portal_elder=0; portal_theme=system").await;
    let tag = html_tag(&page);
    assert!(!tag.contains("elder") && !tag.contains("data-theme"), "{tag}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_customers_choice_follows_them_and_elders_are_offered_it_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    // C000006 is 65 or older and has never chosen: offered. C000012 (younger) is not.
    let elder = signed_in(&app, "C000006", "13800000006", now).await;
    let young = signed_in(&app, "C000012", "13800000012", now).await;
    let cookie = |s: &app::auth::service::IssuedSession| format!("portal_session={}", s.access_token);
    let (_, _, _, page) = get(&app, "/accounts", &cookie(&elder)).await;
    assert!(page.contains("elder-offer"), "offered");
    let (_, _, _, page) = get(&app, "/accounts", &cookie(&young)).await;
    assert!(!page.contains("elder-offer"), "not offered");

    // "No, thank you" is remembered with the profile: never offered again, on any device.
    let (status, _, _, _) = get(&app, "/display?elder=0&back=/accounts", &cookie(&elder)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, _, page) = get(&app, "/accounts", &cookie(&elder)).await;
    assert!(!page.contains("elder-offer"));
    // Turned on, with the dark theme: kept with the profile...
    get(&app, "/display?elder=1&back=/accounts", &cookie(&elder)).await;
    get(&app, "/display?theme=dark&back=/accounts", &format!("{}; portal_elder=1", cookie(&elder))).await;
    let kept: (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT elder_mode, theme FROM customers WHERE customer_no = 'C000006'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(kept, (Some(1), Some("dark".into())));
    // ...and set again when they sign in on another browser (the codes sent before are aged past
    // the once-a-minute limit).
    sqlx::query("UPDATE one_time_codes SET sent_at = sent_at - 3700").execute(&app.state.pool).await.unwrap();
    let (status, _, text) =
        post_form(&app, "/api/sign-in/start", &format!("login_id=C000006&password={PASSWORD}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let challenge = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_str().unwrap().to_owned();
    let code = code_sent_to(&app, "13800000006");
    let (status, cookies, text) =
        post_form(&app, "/api/sign-in/finish", &format!("challenge_id={challenge}&code={code}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(cookies.iter().any(|c| c.starts_with("portal_elder=1;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("portal_theme=dark;")), "{cookies:?}");
    // Someone who never chose gets no display cookies at sign-in.
    let (_, _, text) = post_form(&app, "/api/sign-in/start", &format!("login_id=C000013&password={PASSWORD}")).await;
    let challenge = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_str().unwrap().to_owned();
    let code = code_sent_to(&app, "13800000013");
    let (_, cookies, _) =
        post_form(&app, "/api/sign-in/finish", &format!("challenge_id={challenge}&code={code}")).await;
    assert!(cookies.iter().all(|c| !c.starts_with("portal_elder")), "{cookies:?}");
    app.cleanup().await;
}
