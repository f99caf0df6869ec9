//! The HTTP surface, in-process through the real router: pages render on the server in the
//! right language, every response carries the security headers, probes answer, limits hold.

mod common;

use axum::body::Body;
use common::{TestApp, split};
use http::{Request, StatusCode};

#[tokio::test]
async fn the_landing_page_is_server_rendered_in_chinese_by_default() {
    let app = TestApp::spawn(&[]).await;
    let (res, html) = app.get("/", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains(r#"<html lang="zh-CN""#), "{}", &html[..200]);
    assert!(html.contains("随时随地，自己办理银行业务"));
    assert!(!html.contains("/pkg/portal.js") && !html.contains(".wasm"), "the landing page loads no app");
    let (_, html) = app.get("/forgot-password", &[]).await;
    assert!(html.contains("/pkg/portal.js"), "a page with the app references it");
    app.cleanup().await;
}

#[tokio::test]
async fn the_browser_language_chooses_english_and_the_cookie_overrides_it() {
    let app = TestApp::spawn(&[]).await;
    let (_, html) = app.get("/", &[("accept-language", "en-GB,en;q=0.9")]).await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Your bank, whenever you need it"));

    let (_, html) = app.get("/", &[("accept-language", "en-GB"), ("cookie", "portal_locale=zh-CN")]).await;
    assert!(html.contains("随时随地，自己办理银行业务"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_configured_default_language_applies_when_the_browser_names_none_we_have() {
    let app = TestApp::spawn(&[("PORTAL_DEFAULT_LOCALE", "en")]).await;
    let (_, html) = app.get("/sign-in", &[("accept-language", "fr-FR")]).await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("<h1>Sign in"));
    app.cleanup().await;
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = TestApp::spawn(&[]).await;
    let (res, html) = app.get("/forgot-password", &[]).await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let nonce = nonce_of_page(&res, &html);
    assert!(
        html.contains(&format!(r#"<script id="app-loader" type="module" nonce="{nonce}">"#)),
        "the hydration script carries it"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));

    let (res2, _) = app.get("/forgot-password", &[]).await;
    assert_ne!(
        res2.headers()["content-security-policy"],
        res.headers()["content-security-policy"],
        "fresh per response"
    );
    app.cleanup().await;
}

/// The nonce a page's policy names, and that every nonce in the page is it.
fn nonce_of_page(res: &http::Response<()>, html: &str) -> String {
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    let nonce =
        csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce in the policy").to_owned();
    assert!(nonce.len() >= 16);
    let nonced = html.matches(" nonce=\"").count();
    assert!(nonced > 0 && html.matches(&format!(" nonce=\"{nonce}\"")).count() == nonced, "{html}");
    nonce
}

#[tokio::test]
async fn the_landing_and_sign_in_pages_are_rendered_once_per_language_and_display_each_answer_with_its_own_nonce() {
    let app = TestApp::spawn(&[]).await;
    let cache = |res: &http::Response<()>| res.headers().get("x-page-cache").map(|v| v.to_str().unwrap().to_owned());
    let (first, first_html) = app.get("/", &[]).await;
    let (second, second_html) = app.get("/", &[]).await;
    assert_eq!((cache(&first).as_deref(), cache(&second).as_deref()), (Some("miss"), Some("hit")));
    assert_eq!(second.status(), StatusCode::OK);
    let (n1, n2) = (nonce_of_page(&first, &first_html), nonce_of_page(&second, &second_html));
    assert_ne!(n1, n2, "a fresh nonce per answer");
    assert_eq!(first_html.replace(&n1, "N"), second_html.replace(&n2, "N"), "the same page otherwise");
    for name in ["x-content-type-options", "x-frame-options", "cache-control", "x-request-id", "content-type"] {
        assert_eq!(first.headers().get(name).is_some(), second.headers().get(name).is_some(), "{name}");
    }
    assert_ne!(first.headers()["x-request-id"], second.headers()["x-request-id"]);

    // Each language and display has its own copy.
    let (res, html) = app.get("/", &[("accept-language", "en")]).await;
    assert_eq!(cache(&res).as_deref(), Some("miss"));
    assert!(html.contains(r#"<html lang="en""#) && html.contains("Your bank, whenever you need it"));
    let (res, html) = app.get("/", &[("accept-language", "en"), ("cookie", "portal_locale=zh-CN")]).await;
    assert_eq!(cache(&res).as_deref(), Some("hit"));
    assert!(html.contains("随时随地，自己办理银行业务"));
    let (res, html) = app.get("/sign-in", &[("cookie", "portal_elder=1; portal_theme=dark")]).await;
    assert_eq!(cache(&res).as_deref(), Some("miss"));
    assert!(html.contains(r#"class="elder""#) && html.contains(r#"data-theme="dark""#), "{}", &html[..300]);
    let (res, html) = app.get("/sign-in", &[]).await;
    assert_eq!(cache(&res).as_deref(), Some("miss"));
    assert!(!html.contains(r#"class="elder""#));
    let sign_in_page = html.replace(&nonce_of_page(&res, &html), "N");
    // Gzip, as browsers ask for pages: the same page, compressed once.
    let request =
        Request::get("/sign-in").header("accept-encoding", "gzip, deflate, br, zstd").body(Body::empty()).unwrap();
    let (parts, body) = app.send(request).await.into_parts();
    let res = http::Response::from_parts(parts, ());
    assert_eq!(
        (cache(&res).as_deref(), res.headers().get("content-encoding").map(|v| v.to_str().unwrap())),
        (Some("hit"), Some("gzip"))
    );
    let mut unzipped = String::new();
    let bytes = http_body_util::BodyExt::collect(body).await.unwrap().to_bytes();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped).expect("one gzip file");
    let nonce = nonce_of_page(&res, &unzipped);
    assert_eq!(unzipped.replace(&nonce, "N"), sign_in_page);

    // A refused sign-in (in the address), a sign-in in progress and a signed-in customer render.
    let (res, _) = app.get("/sign-in?error=x", &[]).await;
    assert_eq!(cache(&res), None);
    let (res, _) = app.get("/sign-in", &[("cookie", "portal_login=C000001")]).await;
    assert_eq!(cache(&res), None);
    let session = common::signed_in(&app, "C000001", "13800000001", app.state.now()).await;
    let (res, html) = app.get("/", &[("cookie", &format!("portal_session={}", session.access_token))]).await;
    assert_eq!((res.status(), cache(&res)), (StatusCode::OK, None));
    assert_ne!(
        html.replace(&nonce_of_page(&res, &html), "N"),
        first_html.replace(&n1, "N"),
        "a signed-in customer's own page"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::spawn(&[]).await;
    for path in ["/", "/healthz", "/no-such-page", "/locale?to=en"] {
        let (res, _) = app.get(path, &[]).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain HTTP ({path})");
    }
    let (res, _) = app.get("/", &[("x-request-id", "abc-123")]).await;
    assert_eq!(res.headers()["x-request-id"], "abc-123", "an incoming request id is kept");
    app.cleanup().await;
}

#[tokio::test]
async fn https_deployments_send_hsts_and_secure_cookies() {
    let app = TestApp::spawn(&[("PORTAL_HTTPS", "true")]).await;
    let (res, _) = app.get("/locale?to=en&back=/", &[]).await;
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_probes_report_liveness_and_database_readiness() {
    let app = TestApp::spawn(&[]).await;
    assert_eq!(app.get("/healthz", &[]).await.0.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz", &[]).await.0.status(), StatusCode::OK);
    app.state.pool.close().await;
    let (res, body) = app.get("/readyz", &[]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, "database unreachable");
    assert_eq!(app.get("/healthz", &[]).await.0.status(), StatusCode::OK, "alive even without the database");
    app.db.cleanup().await;
}

#[tokio::test]
async fn customer_pages_send_visitors_to_sign_in_and_back() {
    let app = TestApp::spawn(&[]).await;
    for page in ["/accounts", "/appointments", "/complaints", "/wealth", "/messages", "/settings"] {
        let (res, _) = app.get(page, &[("accept", "text/html")]).await;
        assert!(res.status().is_redirection(), "{page}: {}", res.status());
        assert_eq!(res.headers()["location"], format!("/sign-in?next={page}"));
    }
    let (res, _) = app.get("/accounts", &[("accept", "text/html"), ("cookie", "portal_session=not-a-token")]).await;
    assert!(res.status().is_redirection(), "a forged cookie is no session");
    app.cleanup().await;
}

#[tokio::test]
async fn an_unknown_path_answers_404_with_a_page_in_the_visitors_language() {
    let app = TestApp::spawn(&[]).await;
    let (res, html) = app.get("/nowhere", &[("accept-language", "en")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_language_switch_sets_the_cookie_and_returns_only_within_the_site() {
    let app = TestApp::spawn(&[]).await;
    let (res, _) = app.get("/locale?to=en&back=/accounts%3Fx%3D1", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/accounts?x=1");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("portal_locale=en; Path=/;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));

    let (res, _) = app.get("/locale?to=en&back=//evil.example/", &[]).await;
    assert_eq!(res.headers()["location"], "/");

    let (res, body) = app.get("/locale?to=fr", &[]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("unsupported language"), "{body}");
    app.cleanup().await;
}

#[tokio::test]
async fn an_oversized_request_body_is_refused_before_it_is_read() {
    let app = TestApp::spawn(&[("PORTAL_REQUEST_BODY_LIMIT_KIB", "1")]).await;
    let big = "x".repeat(4096);
    let req = Request::post("/api/anything").header("content-length", big.len()).body(Body::from(big)).unwrap();
    let (res, _) = split(app.send(req).await).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    app.cleanup().await;
}

#[tokio::test]
async fn server_functions_refuse_requests_from_other_sites() {
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let post = |headers: &[(&str, &str)]| {
        let mut builder =
            Request::post("/api/start_sign_in").header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::from("login_id=C000001&password=x")).unwrap()
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("sec-fetch-site", "same-site")][..],
        &[("host", "portal.example"), ("origin", "https://evil.example")][..],
        &[("origin", "https://evil.example")][..],
    ] {
        let (res, body) = split(app.send(post(headers)).await).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(body, "cross-site request refused");
    }
    for headers in [
        &[("sec-fetch-site", "same-origin")][..],
        &[("host", "portal.example"), ("origin", "https://portal.example")][..],
    ] {
        let (res, _) = split(app.send(post(headers)).await).await;
        assert_ne!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn sign_in_requests_are_rate_limited_per_address_with_429() {
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let attempt = |ip: [u8; 4]| {
        let mut req = Request::post("/api/sign-in/start")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from("login_id=C999999&password=wrong"))
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
        req
    };
    for n in 1..=30 {
        let (res, _) = split(app.send(attempt([10, 0, 0, 1])).await).await;
        assert_ne!(res.status(), StatusCode::TOO_MANY_REQUESTS, "request {n} was limited");
    }
    let (res, body) = split(app.send(attempt([10, 0, 0, 1])).await).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert!(body.contains("RateLimited"), "{body}");
    let (res, _) = split(app.send(attempt([10, 0, 0, 2])).await).await;
    assert_ne!(res.status(), StatusCode::TOO_MANY_REQUESTS, "another address is not affected");
    app.cleanup().await;
}

#[tokio::test]
async fn settings_functions_answer_only_a_signed_in_customer() {
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    for endpoint in ["/api/settings/sessions", "/api/settings/activity", "/api/settings/end-other-sessions"] {
        let req = Request::post(endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("cookie", "portal_session=forged")
            .body(Body::empty())
            .unwrap();
        let (res, body) = split(app.send(req).await).await;
        assert!(!res.status().is_success(), "{endpoint}: {}", res.status());
        assert!(body.contains("Unauthenticated"), "{endpoint}: {body}");
    }
    app.cleanup().await;
}

#[test]
fn the_error_page_names_the_request_and_hides_the_cause() {
    use app::i18n::Locale;
    let res = server::http::error_page(StatusCode::INTERNAL_SERVER_ERROR, Locale::en, "req-42");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = futures::executor::block_on(split(res)).1;
    assert!(body.contains("quote reference req-42"), "{body}");
    assert!(body.contains(r#"lang="en""#));
    let zh = futures::executor::block_on(split(server::http::error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        Locale::zh_CN,
        "r1",
    )))
    .1;
    assert!(zh.contains("编号：r1"), "{zh}");
}

#[tokio::test]
async fn a_handler_that_panics_answers_the_error_page_with_the_request_id_not_the_cause() {
    use axum::middleware::from_fn_with_state;
    use tower::ServiceExt;
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let guarded = axum::Router::new().route("/boom", axum::routing::get(boom)).layer(from_fn_with_state(
        (app.state.clone(), server::http_limits(&app.config)),
        server::http::guard_and_negotiate,
    ));
    let request = Request::get("/boom")
        .header("x-request-id", "req-panic-1")
        .header("accept-language", "en")
        .body(Body::empty())
        .unwrap();
    let (res, body) = split(guarded.oneshot(request).await.unwrap()).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("req-panic-1"), "{body}");
    assert!(!body.contains("secret internals"), "{body}");
    app.cleanup().await;
}

async fn boom() -> &'static str {
    panic!("secret internals")
}

#[tokio::test]
async fn pages_are_sent_gzip_compressed_when_the_browser_accepts_it() {
    let app = TestApp::spawn(&[]).await;
    let browser = [("accept-encoding", "gzip, deflate, br, zstd")];
    let (res, _) = app.get("/sign-in", &browser).await;
    assert_eq!(res.status(), StatusCode::OK);
    // gzip, not brotli: brotli at any quality cost the rendered pages far more time per request.
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let (res, html) = app.get("/sign-in", &[]).await;
    assert_eq!(res.headers().get("content-encoding"), None, "and uncompressed to a client that asks for nothing");
    assert!(html.contains("<h1>"));
    app.cleanup().await;
}
