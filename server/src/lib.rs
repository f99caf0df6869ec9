//! The portal server: settings, database, HTTP wiring, demo data and the command line behind
//! `main.rs`. Exposed as a library so integration tests build the same router in-process.

pub mod bench;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod locale;
pub mod page_cache;
pub mod reactive;

use anyhow::{Context, Result};
use app::auth::rules::RateLimit;
use app::notify::Gateway;
use app::state::{AppState, Mode, RateLimiter};
use config::{Config, LogFormat};
use std::sync::Arc;

/// Opens and migrates the database and assembles the state every request shares.
/// On first run with demo data enabled, an empty database is filled.
pub async fn build_state(config: &Config) -> Result<AppState> {
    let signing_key = config::load_signing_key(&config.portal, |name| std::env::var(name).ok())?;
    let pool = db::connect(&config.portal.database_url, config.portal.database_max_connections).await?;
    db::migrate(&pool, &config.portal.database_url).await?;
    let settings = Arc::new(config.settings());
    if config.portal.demo_data && demo::is_empty(&pool).await? {
        // The bank's day (China time): the demo history runs up to today there.
        let as_of = app::accounts::china_today(settings.clock.now());
        tracing::info!(%as_of, "empty database: loading the demo data");
        let summary = demo::generate(&pool, &demo::DemoSize::standard(as_of)).await.context("loading the demo data")?;
        tracing::info!(?summary, "demo data loaded");
    }
    let gateway = match config.portal.mode {
        Mode::Development => Gateway::outbox(config.portal.outbox_path.clone()),
        // No SMS/e-mail provider is integrated yet: production refuses to pretend it sent anything.
        Mode::Production => Gateway::Unconfigured,
    };
    Ok(AppState {
        leptos_options: config.leptos_options.clone(),
        pool,
        settings,
        signing_key,
        gateway: Arc::new(gateway),
        sign_in_limiter: Arc::new(RateLimiter::new(RateLimit {
            limit: config.portal.sign_in_requests_per_address,
            window_secs: 600,
        })),
    })
}

pub fn http_limits(config: &Config) -> http::HttpLimits {
    http::HttpLimits {
        request_timeout: std::time::Duration::from_secs(config.portal.request_timeout_seconds),
        body_limit_bytes: config.portal.request_body_limit_kib * 1024,
    }
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn serve(config: Config) -> Result<()> {
    let state = build_state(&config).await?;
    let pool = state.pool.clone();
    let alert_timer = spawn_alert_timer(&state, config.portal.alerts_interval_minutes);
    let app = http::router(state, http_limits(&config));
    let addr = config.leptos_options.site_addr;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    serve_on(listener, app, shutdown_signal()).await?;
    if let Some(timer) = alert_timer {
        timer.abort();
    }
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
/// `serve` and the load test share it.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Streamed pages are written in pieces: without TCP_NODELAY each waits on a delayed ACK.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // Connect info: the client address recorded in the audit trail.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Runs the alert job once, now (the `server alerts` command and the timer): account alerts,
/// the day-before appointment reminders, and closing decided complaints nobody answered within
/// the review window.
pub async fn run_alerts(state: &AppState) -> Result<app::messages::service::AlertRun> {
    let now = state.now();
    let run = app::messages::service::run_alerts(&state.pool, &state.gateway, now, None)
        .await
        .context("running the alert job")?;
    let visits = app::appointments::service::remind(&state.pool, &state.gateway, &state.settings, now)
        .await
        .context("sending appointment reminders")?;
    let closed = app::complaints::service::close_unanswered(&state.pool, now)
        .await
        .context("closing complaints past their review window")?;
    let expiring = app::wealth::service::remind_expiring(&state.pool, &state.gateway, now)
        .await
        .context("reminding of risk assessments about to expire")?;
    tracing::info!(
        balance_alerts = run.balance_alerts,
        due_reminders = run.due_reminders,
        appointment_reminders = visits,
        complaints_closed = closed,
        assessments_expiring = expiring,
        "alert job done"
    );
    Ok(run)
}

/// The alert job at start-up and every `minutes` after (none when 0). Several instances may
/// run it at once: the database lets each message through once.
fn spawn_alert_timer(state: &AppState, minutes: u32) -> Option<tokio::task::JoinHandle<()>> {
    if minutes == 0 {
        return None;
    }
    let state = state.clone();
    Some(tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(u64::from(minutes) * 60));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = run_alerts(&state).await {
                tracing::error!(error = format!("{error:#}"), "the alert job failed; it runs again at the next tick");
            }
        }
    }))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Panics are logged as one event through the log (with the request's id from its span), not
/// printed with a backtrace per request; `RUST_BACKTRACE=1` adds the backtrace when debugging.
/// The request guard (`http::guard_and_negotiate`) then answers with the error page.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let cause = http::panic_cause(info.payload());
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            tracing::error!(%cause, %location, %backtrace, "panic");
        } else {
            tracing::error!(%cause, %location, "panic");
        }
    }));
}

/// Structured logs: text for people, JSON for collectors; `RUST_LOG` refines the filter.
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
