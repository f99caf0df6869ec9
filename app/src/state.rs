//! Server-side state handed to every handler and server function: the pool, the settings.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::path::PathBuf;
use std::sync::Arc;

/// Development generates missing secrets and writes messages to an outbox file; production
/// refuses to start without configured secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

/// "Now" for the whole server, read in one place: the system clock, moved by a fixed offset
/// that only the development/test setting `clock` (PORTAL_CLOCK) sets, so that the portal and
/// its tests can run at any hour of the China day. Time runs on from the set instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    offset_secs: i64,
}

impl Clock {
    /// The system clock.
    pub const SYSTEM: Clock = Clock { offset_secs: 0 };

    /// A clock that reads `start` (unix seconds) now and runs on from there.
    pub fn starting_at(start: i64) -> Clock {
        Clock { offset_secs: start - chrono::Utc::now().timestamp() }
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_secs
    }
}

/// The runtime settings the application reads (loaded and checked by the server's config).
#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    /// Where "now" comes from (the system clock unless a development setting moves it).
    pub clock: Clock,
    pub default_locale: String,
    pub outbox_path: PathBuf,
    /// Served over HTTPS (directly or behind a TLS-terminating proxy): HSTS and `Secure` cookies.
    pub https: bool,
    pub access_token_minutes: u32,
    pub idle_timeout_minutes: u32,
    pub absolute_session_hours: u32,
    pub one_time_code_minutes: u32,
    /// Appointments can be booked this many days ahead.
    pub booking_window_days: u32,
    /// Appointments can be cancelled or moved until this many hours before they start.
    pub appointment_change_cutoff_hours: u32,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: sqlx::AnyPool,
    pub settings: Arc<Settings>,
    pub signing_key: SigningKey,
    pub gateway: Arc<crate::notify::Gateway>,
    pub sign_in_limiter: Arc<RateLimiter>,
}

impl AppState {
    /// Now, in unix seconds, from the portal's one clock.
    pub fn now(&self) -> i64 {
        self.settings.clock.now()
    }
}

/// Sign-in requests per client address, counted in this process. (Several instances each
/// count their own share; the per-person lockout in the database is the hard limit.)
#[derive(Debug)]
pub struct RateLimiter {
    limit: crate::auth::rules::RateLimit,
    seen: std::sync::Mutex<std::collections::HashMap<String, std::collections::VecDeque<i64>>>,
}

impl RateLimiter {
    pub fn new(limit: crate::auth::rules::RateLimit) -> Self {
        RateLimiter { limit, seen: Default::default() }
    }

    /// `Err(seconds)` when `key` has used its allowance.
    pub fn admit(&self, key: &str, now: i64) -> Result<(), i64> {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            let window = self.limit.window_secs;
            seen.retain(|_, history| history.back().is_some_and(|t| now - *t < window));
        }
        self.limit.admit(seen.entry(key.to_owned()).or_default(), now)
    }
}

/// The key that signs session tokens. Never printed, never serialised.
#[derive(Clone)]
pub struct SigningKey(Arc<[u8]>);

impl SigningKey {
    /// Keys shorter than 32 bytes are refused: HS256 wants at least the hash's size.
    pub fn new(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() < 32 {
            return Err(format!("the signing key has {} bytes; at least 32 are needed", bytes.len()));
        }
        Ok(SigningKey(bytes.into()))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
        |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.trim_matches('"').to_owned())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; portal_locale=en; b=2".parse().unwrap());
        assert_eq!(cookie_value(&headers, "portal_locale").as_deref(), Some("en"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
