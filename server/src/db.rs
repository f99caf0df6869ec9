//! The database: one code path (sqlx `Any`) over SQLite and PostgreSQL, and their migrations.
//!
//! Through `Any` only integers, floats, text and bytes travel: money is i64 minor units, times
//! are i64 unix seconds (UTC), dates are `YYYY-MM-DD` text, flags are 0/1 integers.

use anyhow::{Context, Result};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Backend {
        if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres }
    }
}

/// Opens a pool. For SQLite the file (and its directory) is created when absent, and every
/// connection uses WAL journaling so readers never wait for the writer.
pub async fn connect(url: &str, max_connections: u32) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url);
    let url = match backend {
        Backend::Sqlite => sqlite_url_creating_file(url)?,
        Backend::Postgres => url.to_owned(),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection before lending it out (and, its own rule, when it takes it back).
        // A SQLite connection is a file on this machine, served by a thread of its own: each ping
        // is one more round trip to that thread, and the two took a tenth of a signed-in page's
        // server time under load (perf, 2026-12-04). A PostgreSQL connection can die with its
        // server or the network, so there the check before lending stays.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", crate::config::redact_url(&url)))?;
    Ok(pool)
}

fn sqlite_url_creating_file(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if let Some(dir) = Path::new(path).parent().filter(|d| path != ":memory:" && !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the database directory {}", dir.display()))?;
    }
    let mode = if query.contains("mode=") { String::new() } else { "mode=rwc".to_owned() };
    let query = [query, &mode].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("&");
    Ok(format!("sqlite://{path}?{query}"))
}

/// Applies every pending migration of the pool's backend.
pub async fn migrate(pool: &AnyPool, url: &str) -> Result<()> {
    let migrator = match Backend::of(url) {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.run(pool).await.context("database migration failed")?;
    Ok(())
}

/// True when the database answers a trivial query: what `/readyz` reports.
pub async fn is_reachable(pool: &AnyPool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode_unless_they_name_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/portal.db");
        let url = sqlite_url_creating_file(&format!("sqlite://{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(file.parent().unwrap().is_dir(), "the directory was created");
        let url = sqlite_url_creating_file(&format!("sqlite://{}?mode=ro", file.display())).unwrap();
        assert!(url.ends_with("?mode=ro"));
    }
}
