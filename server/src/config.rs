//! Loads the runtime settings: `Leptos.toml`, then `PORTAL_*` / `LEPTOS_*` environment variables.
//! Every problem is reported with the file or variable that caused it.

use anyhow::{Context, Result, anyhow, bail};
use app::state::{Mode, Settings, SigningKey};
use leptos::prelude::LeptosOptions;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The `[portal]` section of `Leptos.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PortalSection {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_max_connections: u32,
    pub demo_data: bool,
    pub default_locale: String,
    pub outbox_path: PathBuf,
    pub signing_key_file: PathBuf,
    pub https: bool,
    pub access_token_minutes: u32,
    pub idle_timeout_minutes: u32,
    pub absolute_session_hours: u32,
    pub one_time_code_minutes: u32,
    pub sign_in_requests_per_address: usize,
    pub request_timeout_seconds: u64,
    pub request_body_limit_kib: usize,
    pub log_format: LogFormat,
    /// Minutes between runs of the alert job inside `serve` (0: never; `server alerts` runs it once).
    pub alerts_interval_minutes: u32,
    pub booking_window_days: u32,
    pub appointment_change_cutoff_hours: u32,
    /// Development and tests only: the instant (RFC 3339) the server's clock reads at start-up,
    /// running on from there; empty for the system clock.
    #[serde(default)]
    pub clock: String,
}

#[derive(Deserialize)]
struct FileLayout {
    portal: PortalSection,
}

/// Everything the server needs to start, checked.
#[derive(Clone, Debug)]
pub struct Config {
    pub portal: PortalSection,
    pub leptos_options: LeptosOptions,
}

impl Config {
    /// Reads the file named by `PORTAL_CONFIG`, or `Leptos.toml` in the working directory.
    pub fn load() -> Result<Self> {
        let path = std::env::var_os("PORTAL_CONFIG").map_or_else(|| PathBuf::from("Leptos.toml"), PathBuf::from);
        Self::load_from(&path, |name| std::env::var(name).ok())
    }

    /// `env` looks up a variable; tests pass their own.
    pub fn load_from(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the settings file {}", path.display()))?;
        let FileLayout { mut portal } =
            toml::from_str(&text).with_context(|| format!("the settings file {} is not valid", path.display()))?;
        apply_env(&mut portal, &env)?;
        validate(&portal)?;
        let leptos_options = leptos::config::get_config_from_str(&text)
            .map_err(|e| anyhow!("the [package.metadata.leptos] section of {} is not valid: {e}", path.display()))?;
        Ok(Config { portal, leptos_options })
    }

    pub fn settings(&self) -> Settings {
        let p = &self.portal;
        let clock =
            clock_start(&p.clock).ok().flatten().map_or(app::state::Clock::SYSTEM, app::state::Clock::starting_at);
        Settings {
            mode: p.mode,
            clock,
            default_locale: p.default_locale.clone(),
            outbox_path: p.outbox_path.clone(),
            https: p.https,
            access_token_minutes: p.access_token_minutes,
            idle_timeout_minutes: p.idle_timeout_minutes,
            absolute_session_hours: p.absolute_session_hours,
            one_time_code_minutes: p.one_time_code_minutes,
            booking_window_days: p.booking_window_days,
            appointment_change_cutoff_hours: p.appointment_change_cutoff_hours,
        }
    }
}

fn set<T: FromStr>(field: &mut T, name: &str, env: &impl Fn(&str) -> Option<String>) -> Result<()>
where
    T::Err: std::fmt::Display,
{
    if let Some(raw) = env(name) {
        *field = raw.trim().parse().map_err(|e| anyhow!("environment variable {name}={raw:?} is not valid: {e}"))?;
    }
    Ok(())
}

fn apply_env(p: &mut PortalSection, env: &impl Fn(&str) -> Option<String>) -> Result<()> {
    if let Some(raw) = env("PORTAL_MODE") {
        p.mode = match raw.trim() {
            "development" => Mode::Development,
            "production" => Mode::Production,
            other => bail!("environment variable PORTAL_MODE={other:?} is not valid: use development or production"),
        };
    }
    if let Some(raw) = env("PORTAL_LOG_FORMAT") {
        p.log_format = match raw.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!("environment variable PORTAL_LOG_FORMAT={other:?} is not valid: use text or json"),
        };
    }
    set(&mut p.data_dir, "PORTAL_DATA_DIR", env)?;
    set(&mut p.database_url, "PORTAL_DATABASE_URL", env)?;
    set(&mut p.database_max_connections, "PORTAL_DATABASE_MAX_CONNECTIONS", env)?;
    set(&mut p.demo_data, "PORTAL_DEMO_DATA", env)?;
    set(&mut p.default_locale, "PORTAL_DEFAULT_LOCALE", env)?;
    set(&mut p.outbox_path, "PORTAL_OUTBOX_PATH", env)?;
    set(&mut p.signing_key_file, "PORTAL_SIGNING_KEY_FILE", env)?;
    set(&mut p.https, "PORTAL_HTTPS", env)?;
    set(&mut p.access_token_minutes, "PORTAL_ACCESS_TOKEN_MINUTES", env)?;
    set(&mut p.idle_timeout_minutes, "PORTAL_IDLE_TIMEOUT_MINUTES", env)?;
    set(&mut p.absolute_session_hours, "PORTAL_ABSOLUTE_SESSION_HOURS", env)?;
    set(&mut p.one_time_code_minutes, "PORTAL_ONE_TIME_CODE_MINUTES", env)?;
    set(&mut p.sign_in_requests_per_address, "PORTAL_SIGN_IN_REQUESTS_PER_ADDRESS", env)?;
    set(&mut p.request_timeout_seconds, "PORTAL_REQUEST_TIMEOUT_SECONDS", env)?;
    set(&mut p.request_body_limit_kib, "PORTAL_REQUEST_BODY_LIMIT_KIB", env)?;
    set(&mut p.alerts_interval_minutes, "PORTAL_ALERTS_INTERVAL_MINUTES", env)?;
    set(&mut p.booking_window_days, "PORTAL_BOOKING_WINDOW_DAYS", env)?;
    set(&mut p.appointment_change_cutoff_hours, "PORTAL_APPOINTMENT_CHANGE_CUTOFF_HOURS", env)?;
    set(&mut p.clock, "PORTAL_CLOCK", env)?;
    Ok(())
}

fn validate(p: &PortalSection) -> Result<()> {
    if app::shell::parse_locale(&p.default_locale).is_none() {
        bail!("default-locale {:?} is not supported: use zh-CN or en", p.default_locale);
    }
    if !(p.database_url.starts_with("sqlite:")
        || p.database_url.starts_with("postgres://")
        || p.database_url.starts_with("postgresql://"))
    {
        bail!("database-url must start with sqlite: or postgres:// (got {:?})", redact_url(&p.database_url));
    }
    for (name, value) in [
        ("access-token-minutes", p.access_token_minutes),
        ("idle-timeout-minutes", p.idle_timeout_minutes),
        ("absolute-session-hours", p.absolute_session_hours),
        ("one-time-code-minutes", p.one_time_code_minutes),
        ("database-max-connections", p.database_max_connections),
        ("booking-window-days", p.booking_window_days),
    ] {
        if value == 0 {
            bail!("{name} must be at least 1");
        }
    }
    if p.request_timeout_seconds == 0 || p.request_body_limit_kib == 0 || p.sign_in_requests_per_address == 0 {
        bail!("request-timeout-seconds, request-body-limit-kib and sign-in-requests-per-address must be at least 1");
    }
    if p.mode == Mode::Production && p.demo_data {
        bail!("demo-data must be false in production mode (set PORTAL_DEMO_DATA=false)");
    }
    let moved = clock_start(&p.clock)?.is_some();
    if p.mode == Mode::Production && moved {
        bail!("clock is a development and test setting: production runs on the system clock (unset PORTAL_CLOCK)");
    }
    Ok(())
}

/// The instant a `clock` setting names (unix seconds), or `None` for the system clock.
fn clock_start(text: &str) -> Result<Option<i64>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let at = chrono::DateTime::parse_from_rfc3339(text.trim())
        .map_err(|e| anyhow!("clock {text:?} is not an RFC 3339 instant such as 2026-12-31T23:50:00+08:00: {e}"))?;
    Ok(Some(at.timestamp()))
}

/// A database URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// The token signing key: `PORTAL_SIGNING_KEY` (hex), else the key file. In development a
/// missing key file is created with 32 fresh random bytes; in production it is an error.
pub fn load_signing_key(portal: &PortalSection, env: impl Fn(&str) -> Option<String>) -> Result<SigningKey> {
    if let Some(hex_key) = env("PORTAL_SIGNING_KEY") {
        let bytes = hex::decode(hex_key.trim()).context("PORTAL_SIGNING_KEY must be hex")?;
        return SigningKey::new(bytes).map_err(|e| anyhow!("PORTAL_SIGNING_KEY: {e}"));
    }
    let path = &portal.signing_key_file;
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim())
                .with_context(|| format!("the signing key file {} must hold hex", path.display()))?;
            SigningKey::new(bytes).map_err(|e| anyhow!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match portal.mode {
            Mode::Production => bail!(
                "no signing key: production mode needs PORTAL_SIGNING_KEY (hex, 32+ bytes) or a key file at {}",
                path.display()
            ),
            Mode::Development => generate_key_file(path),
        },
        Err(e) => Err(e).with_context(|| format!("cannot read the signing key file {}", path.display())),
    }
}

fn generate_key_file(path: &Path) -> Result<SigningKey> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(path, hex::encode(&bytes).as_bytes())
        .with_context(|| format!("cannot write the signing key file {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a development signing key");
    SigningKey::new(bytes).map_err(|e| anyhow!(e))
}

/// Creates the file readable by its owner only; refuses to overwrite.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn repo_settings_file() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml")
    }

    fn load(vars: &[(&str, &str)]) -> Result<Config> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load_from(&repo_settings_file(), |name| vars.get(name).cloned())
    }

    #[test]
    fn the_shipped_settings_file_loads() {
        let config = load(&[]).unwrap();
        assert_eq!(config.portal.default_locale, "zh-CN");
        assert_eq!(config.leptos_options.output_name.as_ref(), "portal");
        assert_eq!(config.portal.idle_timeout_minutes, 5);
    }

    #[test]
    fn environment_variables_override_the_file() {
        let config =
            load(&[("PORTAL_DATABASE_URL", "postgres://u:p@localhost/db"), ("PORTAL_IDLE_TIMEOUT_MINUTES", "2")])
                .unwrap();
        assert_eq!(config.portal.database_url, "postgres://u:p@localhost/db");
        assert_eq!(config.portal.idle_timeout_minutes, 2);
    }

    #[test]
    fn a_bad_variable_is_named_in_the_error() {
        let err = load(&[("PORTAL_IDLE_TIMEOUT_MINUTES", "soon")]).unwrap_err().to_string();
        assert!(err.contains("PORTAL_IDLE_TIMEOUT_MINUTES"), "{err}");
        let err = load(&[("PORTAL_DEFAULT_LOCALE", "fr")]).unwrap_err().to_string();
        assert!(err.contains("default-locale"), "{err}");
        let err = load(&[("PORTAL_DATABASE_URL", "mysql://x")]).unwrap_err().to_string();
        assert!(err.contains("database-url"), "{err}");
    }

    #[test]
    fn production_refuses_demo_data() {
        let err = load(&[("PORTAL_MODE", "production")]).unwrap_err().to_string();
        assert!(err.contains("demo-data"), "{err}");
    }

    #[test]
    fn the_clock_setting_moves_now_in_development_only() {
        let config = load(&[("PORTAL_CLOCK", "2026-12-31T23:50:00+08:00")]).unwrap();
        let now = config.settings().clock.now();
        let set = chrono::DateTime::parse_from_rfc3339("2026-12-31T23:50:00+08:00").unwrap().timestamp();
        assert!((set..set + 5).contains(&now), "{now} vs {set}");
        assert!((load(&[]).unwrap().settings().clock.now() - chrono::Utc::now().timestamp()).abs() <= 1);
        let err = load(&[("PORTAL_CLOCK", "tomorrow")]).unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{err}");
        let err = load(&[
            ("PORTAL_MODE", "production"),
            ("PORTAL_DEMO_DATA", "false"),
            ("PORTAL_CLOCK", "2026-12-31T23:50:00+08:00"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("production runs on the system clock"), "{err}");
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(redact_url("postgres://portal:secret@127.0.0.1:5432/db"), "postgres://portal:***@127.0.0.1:5432/db");
        assert_eq!(redact_url("sqlite://data/portal.db"), "sqlite://data/portal.db");
    }

    #[test]
    fn development_generates_a_key_once_and_production_refuses_to() {
        let dir = tempfile::tempdir().unwrap();
        let mut portal = load(&[]).unwrap().portal;
        portal.signing_key_file = dir.path().join("nested/signing.key");
        let first = load_signing_key(&portal, |_| None).unwrap();
        let second = load_signing_key(&portal, |_| None).unwrap();
        assert_eq!(first.expose(), second.expose(), "the kept key is reused");
        assert_eq!(first.expose().len(), 32);
        assert_eq!(format!("{first:?}"), "SigningKey(<redacted>)");

        portal.mode = Mode::Production;
        portal.signing_key_file = dir.path().join("absent.key");
        let err = load_signing_key(&portal, |_| None).unwrap_err().to_string();
        assert!(err.contains("PORTAL_SIGNING_KEY"), "{err}");
        let short = load_signing_key(&portal, |name| (name == "PORTAL_SIGNING_KEY").then(|| "abcd".to_owned()));
        assert!(short.is_err());
    }
}
