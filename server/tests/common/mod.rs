//! The integration-test harness: a fresh, migrated database per test (SQLite file by default;
//! PostgreSQL when PORTAL_TEST_DATABASE=postgres) and the real router called in-process.
#![allow(dead_code)] // each test binary uses part of the harness

use app::audit::Client;
use app::auth::Door;
use app::auth::service::{IssuedSession, SignInDeps, finish_sign_in, start_sign_in};
use app::state::AppState;
use axum::Router;
use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use server::config::Config;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub config: Config,
    pub db: TestDb,
}

/// One test's own database; SQLite in a temporary directory, or a fresh PostgreSQL database.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    admin_url: Option<String>,
    name: Option<String>,
}

impl TestDb {
    pub async fn fresh() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        if std::env::var("PORTAL_TEST_DATABASE").as_deref() == Ok("postgres") {
            let admin_url = std::env::var("PORTAL_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://portal:portal@127.0.0.1:5432/postgres".to_owned());
            let name = format!("portal_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create the test database");
            admin.close().await;
            let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
            TestDb { url: format!("{base}/{name}"), dir, admin_url: Some(admin_url), name: Some(name) }
        } else {
            let url = format!("sqlite://{}", dir.path().join("portal.db").display());
            TestDb { url, dir, admin_url: None, name: None }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.name.is_some()
    }

    /// Drops a PostgreSQL test database (SQLite files go with the temporary directory).
    pub async fn cleanup(self) {
        let (Some(admin_url), Some(name)) = (self.admin_url, self.name) else { return };
        if let Ok(admin) = sqlx::AnyPool::connect(&admin_url).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
            admin.close().await;
        }
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped settings with this test's database and files, plus `overrides`.
pub fn test_config(db: &TestDb, overrides: &[(&str, &str)]) -> Config {
    let dir = db.dir.path();
    let mut vars: Vec<(String, String)> = vec![
        ("PORTAL_DATABASE_URL".into(), db.url.clone()),
        ("PORTAL_DATA_DIR".into(), dir.display().to_string()),
        ("PORTAL_OUTBOX_PATH".into(), dir.join("outbox.jsonl").display().to_string()),
        ("PORTAL_SIGNING_KEY_FILE".into(), dir.join("signing.key").display().to_string()),
        ("PORTAL_DATABASE_MAX_CONNECTIONS".into(), "4".into()),
    ];
    vars.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::load_from(&repo_root().join("Leptos.toml"), |name| {
        vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .expect("test settings load")
}

impl TestApp {
    /// A portal on a fresh database, with demo data unless `overrides` turn it off.
    pub async fn spawn(overrides: &[(&str, &str)]) -> TestApp {
        let db = TestDb::fresh().await;
        let config = test_config(&db, overrides);
        TestApp::start(db, config).await
    }

    /// A portal on `db` with `config` (for tests that set what the environment cannot).
    pub async fn start(db: TestDb, config: Config) -> TestApp {
        let state = server::build_state(&config).await.expect("state builds");
        let router = server::http::router(state.clone(), server::http_limits(&config));
        TestApp { router, state, config, db }
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.expect("the router answers")
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (Response<()>, String) {
        let mut builder = Request::get(path);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let response = self.send(builder.body(Body::empty()).expect("request")).await;
        split(response).await
    }

    pub async fn cleanup(self) {
        self.state.pool.close().await;
        self.db.cleanup().await;
    }
}

pub async fn split(response: Response<Body>) -> (Response<()>, String) {
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (Response::from_parts(parts, ()), String::from_utf8_lossy(&bytes).into_owned())
}

/// The response's `Set-Cookie` values.
pub fn set_cookies(response: &Response<()>) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// A plain HTML form posted from the page at `referer` (as a page without the app sends it):
/// answered by a redirect. Returns the status, where it redirects to, and the cookies it sets.
pub async fn plain_form_post(
    app: &TestApp,
    endpoint: &str,
    referer: &str,
    body: &str,
    cookies: &str,
) -> (http::StatusCode, String, Vec<String>) {
    let request = Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", referer)
        .header("cookie", cookies)
        .body(Body::from(body.to_owned()))
        .unwrap();
    let (res, _) = split(app.send(request).await).await;
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let set = set_cookies(&res);
    (res.status(), location, set)
}

/// `name=value` of the cookie `name` among `Set-Cookie` values.
pub fn cookie_pair(set: &[String], name: &str) -> String {
    let found = set.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap_or_else(|| panic!("{name} in {set:?}"));
    found.split(';').next().unwrap().to_owned()
}

// Signing in, as the sign-in, role and password tests need it. Demo customers' password: Demo-2026!

pub const PASSWORD: &str = "Demo-2026!";

pub fn deps(app: &TestApp) -> SignInDeps<'_> {
    SignInDeps {
        pool: &app.state.pool,
        settings: &app.state.settings,
        key: &app.state.signing_key,
        gateway: &app.state.gateway,
    }
}

pub fn client() -> Client {
    Client { addr: Some("127.0.0.1".into()), user_agent: Some("tests".into()) }
}

/// The newest sign-in code sent to `phone`, read from the development outbox.
pub fn code_sent_to(app: &TestApp, phone: &str) -> String {
    code_of_kind_sent_to(app, phone, "sign_in_code")
}

/// The newest code of `kind` ("password_reset_code") sent to `phone`.
pub fn code_of_kind_sent_to(app: &TestApp, phone: &str, kind: &str) -> String {
    let text = std::fs::read_to_string(&app.config.portal.outbox_path).expect("the outbox exists");
    let line = text
        .lines()
        .rev()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON lines"))
        .find(|m| m["to"] == phone && m["kind"] == kind)
        .expect("a code was sent");
    let body = line["body"].as_str().unwrap().to_owned();
    body.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).expect("a six-digit code").to_owned()
}

/// A customer signed in with password and code at `now`.
pub async fn signed_in(app: &TestApp, login: &str, phone: &str, now: i64) -> IssuedSession {
    signed_in_at(app, Door::Customer, login, phone, PASSWORD, now).await
}

/// A member of staff (password `Staff-2026!`) signed in at the staff door at `now`.
pub async fn staff_signed_in(app: &TestApp, staff_no: &str, phone: &str, now: i64) -> IssuedSession {
    signed_in_at(app, Door::Staff, staff_no, phone, "Staff-2026!", now).await
}

pub async fn signed_in_at(
    app: &TestApp,
    door: Door,
    login: &str,
    phone: &str,
    password: &str,
    now: i64,
) -> IssuedSession {
    let challenge = start_sign_in(&deps(app), door, login, password, &client(), now).await.expect("password accepted");
    let code = code_sent_to(app, phone);
    finish_sign_in(&deps(app), &challenge.id, &code, &client(), now).await.expect("code accepted")
}

/// A server-function request from this site, with the session cookie of `session`.
pub fn server_fn_request(endpoint: &str, session: &IssuedSession, body: &str) -> Request<Body> {
    Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", format!("portal_session={}", session.access_token))
        .body(Body::from(body.to_owned()))
        .expect("request")
}

/// Sends a form to a server function as `who`; answers the status and the JSON (or error) text.
pub async fn call(app: &TestApp, endpoint: &str, who: &IssuedSession, body: &str) -> (http::StatusCode, String) {
    let (res, text) = split(app.send(server_fn_request(endpoint, who, body)).await).await;
    (res.status(), text)
}

/// Like [`server_fn_request`], for server functions that take JSON.
pub fn server_fn_json_request(endpoint: &str, session: &IssuedSession, body: serde_json::Value) -> Request<Body> {
    Request::post(endpoint)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("cookie", format!("portal_session={}", session.access_token))
        .body(Body::from(body.to_string()))
        .expect("request")
}
