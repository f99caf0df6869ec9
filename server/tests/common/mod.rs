//! The integration-test harness: a fresh, migrated database per test (SQLite file by default;
//! PostgreSQL when PORTAL_TEST_DATABASE=postgres) and the real router called in-process.
#![allow(dead_code)] // each test binary uses part of the harness

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
