//! Signing in and out: who is asking (roles), session tokens, and the sign-in page.
//! Customers sign in with login ID and password, then the one-time code sent by SMS.

pub mod password;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod token;

use crate::form::TextField;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// Who a session belongs to. Customers and staff never share pages or server functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    BranchStaff,
    Supervisor,
}

/// Why a sign-in step was refused: each is said to the person in their language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInRefusal {
    /// Unknown login ID or wrong password (never which); tries left before the lock.
    WrongCredentials { attempts_left: u32 },
    /// Too many wrong passwords: sign-in is locked until then (unix seconds).
    Locked { until: i64 },
    /// E-banking suspended, or every account frozen or closed: visit a branch or call.
    ServiceSuspended,
    /// Codes are sent at most once a minute and five times an hour.
    TooManyCodes { retry_after_secs: i64 },
    /// A staff account that has been disabled.
    AccountDisabled,
    /// The new password breaks these rules.
    WeakPassword { rules: Vec<rules::PasswordRule> },
    /// Wrong code; entries left before the code is void.
    WrongCode { entries_left: u32 },
    /// Expired, already used, or too many wrong entries: start again.
    CodeExpired,
}

/// What the browser gets after the password step: the challenge to answer with the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub id: String,
    /// "138****0001": where the code went.
    pub masked_phone: String,
}

impl Role {
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Customer)
    }

    /// The name stored in the database ("branch_staff").
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::BranchStaff => "branch_staff",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        [Role::Customer, Role::Agent, Role::BranchStaff, Role::Supervisor].into_iter().find(|r| r.as_str() == name)
    }
}

/// Which sign-in page someone uses: customers and staff are different people with different pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Door {
    Customer,
    Staff,
}

/// What is wrong with a sign-in form before it is sent: the fields a person must fill in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    MissingLoginId,
    MissingPassword,
}

impl SignInProblem {
    /// The form field it is about, as the server function names it.
    pub fn field(self) -> &'static str {
        match self {
            SignInProblem::MissingLoginId => "login_id",
            SignInProblem::MissingPassword => "password",
        }
    }
}

pub fn check_sign_in_form(login_id: &str, password: &str) -> Vec<SignInProblem> {
    let mut problems = Vec::new();
    if login_id.trim().is_empty() {
        problems.push(SignInProblem::MissingLoginId);
    }
    if password.is_empty() {
        problems.push(SignInProblem::MissingPassword);
    }
    problems
}

/// The error a sign-in form sent with empty fields gets: every missing field, in one error.
pub fn missing_fields_error(problems: &[SignInProblem]) -> crate::error::AppError {
    let fields: Vec<&str> = problems.iter().map(|p| p.field()).collect();
    crate::error::AppError::Invalid { field: fields.join(" "), problem: "required".into() }
}

/// The missing fields an error from [`missing_fields_error`] names (none for any other error).
pub fn missing_fields(error: &crate::error::AppError) -> Vec<SignInProblem> {
    match error {
        crate::error::AppError::Invalid { field, problem } if problem == "required" => field
            .split(' ')
            .filter_map(|f| {
                [SignInProblem::MissingLoginId, SignInProblem::MissingPassword].into_iter().find(|p| p.field() == f)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Where a sign-in stands in this browser: the sign-in page is plain HTML forms (it loads no
/// WASM), so what the page shows after each step comes from two short-lived cookies the steps set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInState {
    /// The login ID last typed at this door (never the password), to fill the field in again.
    pub login_id: String,
    /// The code step: a code was sent and can still be entered.
    pub challenge: Option<Challenge>,
}

/// The signed-in person as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// "customer:12": whose drafts this browser may restore.
    pub principal: String,
    pub name: String,
    pub role: Role,
    /// The session ends after this many seconds without a request.
    pub idle_timeout_secs: u32,
    /// Seconds left of it now, counted from the session's recorded activity.
    pub idle_secs_left: u32,
    /// A member of staff acting in this customer's session: the banner's facts.
    pub assist: Option<crate::delegation::AssistBanner>,
    /// The customer's own session: a request for their consent, or a session live in their name.
    pub assist_notice: Option<crate::delegation::AssistNotice>,
    /// Staff: the delegated session this browser was in has ended (its id).
    pub assist_ended: Option<i64>,
    /// A customer aged 65 or more who has never chosen: offer elder mode.
    pub offer_elder: bool,
    /// Unread messages of the customer whose pages these are (0 for staff's own pages).
    pub unread: u32,
}

/// Who is signed in on this request, if anyone (a valid token of a live session).
#[server]
pub async fn current_viewer() -> Result<Option<Viewer>, crate::error::AppError> {
    use crate::error::AppError;
    let state = crate::guard::state()?;
    let Some(who) = crate::guard::authenticated(&state).await? else { return Ok(None) };
    let now = state.now();
    let idle_secs = match who.actor {
        Some(_) => crate::delegation::rules::SESSION_IDLE_SECS,
        None => i64::from(state.settings.idle_timeout_minutes) * 60,
    };
    let mut viewer = Viewer {
        principal: who.principal.clone(),
        name: String::new(),
        role: who.role,
        idle_timeout_secs: idle_secs as u32,
        idle_secs_left: rules::idle_secs_left(who.last_seen_at, idle_secs, now),
        assist: None,
        assist_notice: None,
        assist_ended: who.assist_ended,
        offer_elder: false,
        unread: 0,
    };
    match (who.actor, who.customer_id()) {
        // A customer's own session, every page: one query for all the header shows.
        (None, Some(customer_id)) => {
            let Some(header) =
                service::customer_for_header(&state.pool, customer_id).await.map_err(AppError::internal)?
            else {
                return Ok(Some(viewer));
            };
            let today = crate::accounts::china_today(now);
            viewer.offer_elder = crate::display::service::offer_elder(
                header.elder_mode,
                &header.birth_date,
                today,
                crate::display::current().elder,
            );
            viewer.name = header.name;
            viewer.unread = u32::try_from(header.unread).unwrap_or(u32::MAX);
            viewer.assist_notice = header.notice.at(now);
        }
        // A member of staff in a customer's session (the customer's name and messages, the
        // agent's banner), or in their own.
        (actor, customer_id) => {
            let name = service::display_name(&state.pool, &who.principal).await.map_err(AppError::internal)?;
            viewer.name = name.unwrap_or_default();
            if actor.is_some() {
                viewer.assist =
                    crate::delegation::service::banner(&state.pool, &who, now).await.map_err(AppError::internal)?;
            }
            if let Some(customer_id) = customer_id {
                viewer.unread = crate::messages::service::unread_count(&state.pool, customer_id)
                    .await
                    .map_err(AppError::internal)?;
            }
        }
    }
    Ok(Some(viewer))
}

/// "Stay signed in": counts as activity (renewing the tokens if needed). False when the
/// session has already ended.
#[server]
pub async fn keep_alive() -> Result<bool, crate::error::AppError> {
    let state = crate::guard::state()?;
    let Some(who) = crate::guard::authenticated(&state).await? else { return Ok(false) };
    // Recorded now whatever the interval: the browser counts the full idle time from here.
    crate::guard::record_activity(&state.pool, &who.session_id, state.now())
        .await
        .map_err(crate::error::AppError::internal)?;
    Ok(true)
}

/// Ends the session on the server and clears its cookies.
#[server]
pub async fn sign_out() -> Result<(), crate::error::AppError> {
    use crate::error::AppError;
    let state = crate::guard::state()?;
    let now = state.now();
    match crate::guard::authenticated(&state).await? {
        // Signing out of a delegated session ends it; the agent's own session stays.
        Some(who) if who.actor.is_some() => {
            crate::delegation::service::end_own(&state.pool, &who, "agent", now).await?;
            server::append_cookies(vec![crate::delegation::clear_assist_cookie(&state.settings)]);
            return Ok(());
        }
        Some(who) => {
            if let Some(staff_id) = who.staff_id() {
                crate::delegation::service::end_all_of_staff(&state.pool, staff_id, now)
                    .await
                    .map_err(AppError::internal)?;
            }
            service::sign_out(&state.pool, &who, &crate::audit::client(), now).await.map_err(AppError::internal)?;
        }
        None => {}
    }
    server::clear_session_cookies(&state.settings);
    // Sent by the header's form on a page without the app: home, as the app would go.
    if server::from_plain_form() {
        leptos_axum::redirect("/");
    }
    Ok(())
}

/// Names of the session cookies: never readable by script, never sent cross-site.
pub const ACCESS_COOKIE: &str = "portal_session";
pub const REFRESH_COOKIE: &str = "portal_refresh";
/// A sign-in in progress (same rules): the challenge whose code this browser was sent, for as long
/// as the code is valid, and the login ID last typed, for a quarter of an hour.
pub const CHALLENGE_COOKIE: &str = "portal_sign_in";
pub const LOGIN_COOKIE: &str = "portal_login";

/// What the sign-in page at `door` shows: the login ID to fill in, or the code step.
#[server(endpoint = "sign-in/progress")]
pub async fn sign_in_progress(door: Door) -> Result<SignInState, crate::error::AppError> {
    let state = crate::guard::state()?;
    let Some(parts) = use_context::<http::request::Parts>() else { return Ok(SignInState::default()) };
    let cookie = |name| crate::state::cookie_value(&parts.headers, name);
    let login_id = cookie(LOGIN_COOKIE).and_then(|value| server::read_login_hint(&value, door)).unwrap_or_default();
    let challenge = match cookie(CHALLENGE_COOKIE).filter(|id| !id.is_empty()) {
        Some(id) => service::open_sign_in_challenge(&state.pool, &state.settings, &id, state.now())
            .await
            .map_err(crate::error::AppError::internal)?,
        None => None,
    };
    Ok(SignInState { login_id, challenge })
}

/// "Start again" on the code step: forgets the challenge, so the page asks for the password.
#[server(endpoint = "sign-in/restart")]
pub async fn restart_sign_in() -> Result<(), crate::error::AppError> {
    let state = crate::guard::state()?;
    server::append_cookies(vec![server::cookie(CHALLENGE_COOKIE, "", 0, state.settings.https)]);
    Ok(())
}

/// Step one of signing in: login ID and password; a code goes to the registered phone.
#[server(endpoint = "sign-in/start")]
pub async fn start_sign_in(login_id: String, password: String) -> Result<Challenge, crate::error::AppError> {
    server::start(Door::Customer, login_id, password).await
}

/// Step one at the staff door: staff number and password.
#[server(endpoint = "staff/sign-in/start")]
pub async fn start_staff_sign_in(login_id: String, password: String) -> Result<Challenge, crate::error::AppError> {
    server::start(Door::Staff, login_id, password).await
}

/// Step two: the code from the SMS. Opens the session, sets its cookies and sends the browser on to
/// `next` (a page on this site that asked for signing in) or the person's home.
#[server(endpoint = "sign-in/finish")]
pub async fn finish_sign_in(
    challenge_id: String,
    code: String,
    #[server(default)] next: Option<String>,
) -> Result<Role, crate::error::AppError> {
    let state = crate::guard::state()?;
    let deps = server::deps(&state);
    let now = state.now();
    server::rate_limit(&state, now)?;
    let session = server::refused_or_internal(
        service::finish_sign_in(&deps, &challenge_id, &code, &crate::audit::client(), now).await,
    )?;
    server::set_session_cookies(&state.settings, &session.access_token, Some(&session.refresh_token));
    // A customer's kept display (elder mode, theme) follows them to this browser.
    if let Some(customer_id) =
        crate::audit::principal_parts(&session.principal).filter(|(kind, _)| *kind == "customer").map(|(_, id)| id)
    {
        let (chosen, display) =
            crate::display::service::kept(&state.pool, customer_id).await.map_err(crate::error::AppError::internal)?;
        if chosen.is_some() || display.theme != crate::display::Theme::System {
            server::append_cookies(crate::display::service::cookies(display, state.settings.https));
        }
    }
    let https = state.settings.https;
    server::append_cookies(vec![
        server::cookie(CHALLENGE_COOKIE, "", 0, https),
        server::cookie(LOGIN_COOKIE, "", 0, https),
    ]);
    leptos_axum::redirect(&as_location(&safe_next(next, session.role)));
    Ok(session.role)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::service::{SignInDeps, SignInError};
    use crate::error::AppError;
    use crate::state::{AppState, Settings};
    use leptos::prelude::use_context;

    pub async fn start(door: super::Door, login_id: String, password: String) -> Result<super::Challenge, AppError> {
        let state = crate::guard::state()?;
        let https = state.settings.https;
        // Whatever the outcome, the page fills the login ID in again.
        append_cookies(vec![cookie(super::LOGIN_COOKIE, &login_hint(door, login_id.trim()), 15 * 60, https)]);
        let problems = super::check_sign_in_form(&login_id, &password);
        if !problems.is_empty() {
            return Err(super::missing_fields_error(&problems));
        }
        let now = state.now();
        rate_limit(&state, now)?;
        let challenge = refused_or_internal(
            super::service::start_sign_in(&deps(&state), door, &login_id, &password, &crate::audit::client(), now)
                .await,
        )?;
        let valid_secs = super::service::code_policy(&state.settings).valid_secs;
        append_cookies(vec![cookie(super::CHALLENGE_COOKIE, &challenge.id, valid_secs, https)]);
        Ok(challenge)
    }

    /// The login-ID cookie's value: the door, then what was typed as hex (so any text a person
    /// typed is a valid header).
    pub fn login_hint(door: super::Door, login_id: &str) -> String {
        let prefix = if door == super::Door::Staff { "s" } else { "c" };
        format!("{prefix}{}", hex::encode(login_id.as_bytes()))
    }

    /// The login ID in a login-ID cookie, if it was typed at `door`.
    pub fn read_login_hint(value: &str, door: super::Door) -> Option<String> {
        let prefix = if door == super::Door::Staff { 's' } else { 'c' };
        let hex_text = value.strip_prefix(prefix)?;
        String::from_utf8(hex::decode(hex_text).ok()?).ok()
    }

    /// A plain HTML form sent the request (not the app's fetch): the answer is a redirect.
    pub fn from_plain_form() -> bool {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        })
    }

    pub fn deps(state: &AppState) -> SignInDeps<'_> {
        SignInDeps { pool: &state.pool, settings: &state.settings, key: &state.signing_key, gateway: &state.gateway }
    }

    /// Too many sign-in requests from this address: HTTP 429 and how long to wait.
    pub fn rate_limit(state: &AppState, now: i64) -> Result<(), AppError> {
        let Some(addr) = crate::audit::client().addr else { return Ok(()) };
        state.sign_in_limiter.admit(&addr, now).map_err(|retry_after_secs| {
            // A form sent without the app is answered by a redirect back to its page, which says
            // how long to wait; a 429 would stop the browser there.
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| !from_plain_form()) {
                response.set_status(http::StatusCode::TOO_MANY_REQUESTS);
                if let Ok(value) = http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.insert_header(http::header::RETRY_AFTER, value);
                }
            }
            AppError::RateLimited { retry_after_secs: u64::try_from(retry_after_secs).unwrap_or(1) }
        })
    }

    pub fn refused_or_internal<T>(result: Result<T, SignInError>) -> Result<T, AppError> {
        result.map_err(|e| match e {
            SignInError::Refused(refusal) => AppError::SignIn(refusal),
            SignInError::Internal(cause) => AppError::internal(cause),
        })
    }

    /// Sets the access cookie, and the refresh cookie when a new one was issued.
    pub fn set_session_cookies(settings: &Settings, access_token: &str, refresh_token: Option<&str>) {
        append_cookies(session_cookies(settings, access_token, refresh_token));
    }

    pub fn clear_session_cookies(settings: &Settings) {
        append_cookies(vec![
            cookie(super::ACCESS_COOKIE, "", 0, settings.https),
            cookie(super::REFRESH_COOKIE, "", 0, settings.https),
        ]);
    }

    /// The `Set-Cookie` values for a session's tokens (the refresh cookie only when one was issued).
    pub fn session_cookies(
        settings: &Settings,
        access_token: &str,
        refresh_token: Option<&str>,
    ) -> Vec<http::HeaderValue> {
        let mut cookies = vec![cookie(
            super::ACCESS_COOKIE,
            access_token,
            i64::from(settings.access_token_minutes) * 60,
            settings.https,
        )];
        if let Some(token) = refresh_token {
            cookies.push(cookie(
                super::REFRESH_COOKIE,
                token,
                i64::from(settings.absolute_session_hours) * 3600,
                settings.https,
            ));
        }
        cookies
    }

    /// Puts `cookies` on this server function's or page's response.
    pub(crate) fn append_cookies(cookies: Vec<http::HeaderValue>) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            for value in cookies {
                response.append_header(http::header::SET_COOKIE, value);
            }
        }
    }

    /// A session cookie: never readable by script, never sent cross-site. Tokens are hex, so the
    /// value is always a valid header.
    pub(crate) fn cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> http::HeaderValue {
        let secure = if secure { "; Secure" } else { "" };
        let text = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}");
        http::HeaderValue::from_str(&text).unwrap_or_else(|_| http::HeaderValue::from_static("invalid=; Max-Age=0"))
    }
}

/// The session as every page shares it: who is signed in, re-read whenever `version` moves
/// (after signing in or out). Blocking, so the server knows before it sends the first byte
/// (a redirect to sign-in is a real HTTP redirect).
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub viewer: crate::resource::Resource<Result<Option<Viewer>, crate::error::AppError>>,
    pub version: RwSignal<u32>,
}

pub fn provide_session() {
    let version = RwSignal::new(0u32);
    let viewer = crate::resource::blocking(move || version.get(), |_| current_viewer());
    provide_context(SessionContext { viewer, version });
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// Where each kind of person lands after signing in.
pub fn home_of(role: Role) -> &'static str {
    if role.is_staff() { "/staff/home" } else { "/accounts" }
}

/// Where to go after signing in: only a path on this site (not a sign-in page), otherwise home.
pub fn safe_next(next: Option<String>, role: Role) -> String {
    next.filter(|p| {
        crate::shell::is_site_path(p) && !p.starts_with("/sign-in") && p != "/staff" && !p.starts_with("/staff?")
    })
    .unwrap_or_else(|| home_of(role).to_owned())
}

/// A site path as a `Location` header's value: what is not visible ASCII (a Chinese search word,
/// a space) percent-encoded as UTF-8, the rest as it was.
pub fn as_location(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if (0x21..=0x7e).contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The page being shown, with its query (a questionnaire's answers, a booking's choices), as the
/// `next` parameter of a sign-in address that brings the person back to it.
fn next_param(path: Memo<String>, query: Memo<String>) -> String {
    encode_next(&path.get_untracked(), &query.get_untracked())
}

pub(crate) fn encode_next(path: &str, query: &str) -> String {
    let page = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
    page.replace('%', "%25").replace('&', "%26").replace('#', "%23")
}

/// Shows its children to a signed-in customer (`staff = false`) or member of staff
/// (`staff = true`). Visitors are sent to that door's sign-in page and brought back; someone
/// signed in at the other door is told the page is not for them (HTTP 403).
#[component]
pub fn RequireSignIn(staff: bool, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = leptos_router::hooks::use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Never decided at a walk (`settled`): a page decided there was built, and its server
                // functions started, once more per walk.
                match settled(session.viewer.await).await {
                    Ok(Some(viewer)) if viewer.role.is_staff() == staff => children.read_value()().into_any(),
                    // An agent whose delegated session has ended lands on their home, told why.
                    Ok(Some(Viewer { assist_ended: Some(id), .. })) => {
                        let path = format!("/staff/home?assist_ended={id}");
                        view! { <leptos_router::components::Redirect path=path /> }.into_any()
                    }
                    Ok(Some(viewer)) => view! { <NotForYou role=viewer.role /> }.into_any(),
                    _ => {
                        let door = if staff { "/staff" } else { "/sign-in" };
                        let path = format!("{door}?next={}", next_param(location.pathname, location.search));
                        view! { <leptos_router::components::Redirect path=path /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A customer on a staff page, or staff on a customer page: refused, with the way back home.
#[component]
fn NotForYou(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, forbidden.title).to_string()) />
        <section class="page narrow">
            <h1>{tr!(i18n, forbidden.title)}</h1>
            <p>{move || if role.is_staff() { t_string!(i18n, forbidden.staff) } else { t_string!(i18n, forbidden.customer) }}</p>
            <p><a class="button" href=home_of(role)>{tr!(i18n, forbidden.home)}</a></p>
        </section>
    }
}

/// Seconds of warning before an idle session ends: a minute, or half the timeout if shorter; in
/// elder mode two minutes (or half the timeout).
pub fn idle_warning_secs(idle_timeout_secs: u32, elder: bool) -> i64 {
    let cap = if elder { 240 } else { 120 };
    i64::from(idle_timeout_secs.min(cap) / 2).max(1)
}

/// The page the browser is on, as a `next` parameter (`encode_next`; "" on the server).
fn this_page_as_next() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        let query = location.search().unwrap_or_default();
        encode_next(&location.pathname().unwrap_or_default(), query.trim_start_matches('?'))
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Milliseconds since the epoch, in the browser.
pub(crate) fn now_ms() -> f64 {
    leptos::web_sys::js_sys::Date::now()
}

/// What the idle watch knows of a signed-in session, from the viewer the server read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdleClock {
    /// Seconds left before the session ends if nothing happens, when the page was made.
    pub secs_left: u32,
    /// The session's whole idle timeout ("Stay signed in" starts it again).
    pub timeout_secs: u32,
    /// Seconds of warning before the end (`idle_warning_secs`).
    pub warn_secs: i64,
    /// Which door signs this person in again.
    pub staff: bool,
    /// A delegated session: its id and the seconds left of its limit when the page was made. The
    /// time left is counted down in the banner's clock, and the agent goes back to their own home
    /// when either runs out.
    pub assist: Option<(i64, i64)>,
}

impl IdleClock {
    pub fn of(viewer: &Viewer) -> Self {
        IdleClock {
            secs_left: viewer.idle_secs_left,
            timeout_secs: viewer.idle_timeout_secs,
            warn_secs: idle_warning_secs(viewer.idle_timeout_secs, crate::display::current().elder),
            staff: viewer.role.is_staff(),
            assist: viewer.assist.as_ref().map(|assist| (assist.id, assist.secs_left)),
        }
    }
}

/// Warns before an idle session ends, with a countdown and "Stay signed in"; when the time is
/// up, signs out and sends the person to sign in again (a page load), saying why. In a delegated
/// session it also counts down the session's limit in the banner's clock
/// ([`crate::delegation::pages::AssistBar`]), and takes the agent home at the limit. An island: it
/// knows the session from its `clock` alone, and leaves by loading the next page.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn IdleWatch(clock: IdleClock) -> impl IntoView {
    let i18n = use_i18n();
    // When the session ends if nothing happens (ms since the epoch); 0 once it has ended.
    let deadline = RwSignal::new(0f64);
    let left = RwSignal::new(None::<i64>);
    let stay = ServerAction::<KeepAlive>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let IdleClock { secs_left, timeout_secs, warn_secs, staff, assist } = clock;

    let arm = move |idle_secs: u32| deadline.set(now_ms() + f64::from(idle_secs) * 1000.0);
    Effect::new(move |_| arm(secs_left));
    Effect::new(move |_| match stay.value().get() {
        Some(Ok(true)) => {
            arm(timeout_secs);
            left.set(None);
        }
        // The session had already ended: the page, loaded again, says so.
        Some(_) => crate::shell::reload_page(),
        None => {}
    });
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            match assist {
                // A delegated session that ran out: the agent goes back to their own home.
                Some((id, _)) => crate::delegation::pages::leave_assist(id),
                None => {
                    let door = if staff { "/staff" } else { "/sign-in" };
                    let next = this_page_as_next();
                    crate::shell::load_page(&format!("{door}?reason=idle&next={next}"));
                }
            }
        }
    });
    Effect::new(move |_| {
        // The delegated session's limit, in ms since the epoch (none once left).
        let limit = std::cell::Cell::new(assist.map(|(id, secs)| (id, now_ms() + secs as f64 * 1000.0)));
        let tick = move || {
            if let Some((id, end)) = limit.get() {
                let secs = ((end - now_ms()) / 1000.0).ceil() as i64;
                crate::delegation::pages::show_time_left(secs);
                if secs <= 0 {
                    limit.set(None);
                    deadline.set(0.0);
                    crate::delegation::pages::leave_assist(id);
                }
            }
            let end = deadline.get_untracked();
            if end == 0.0 {
                return;
            }
            let secs = ((end - now_ms()) / 1000.0).ceil() as i64;
            if secs <= 0 {
                deadline.set(0.0);
                left.set(None);
                sign_out.dispatch(SignOut {});
            } else if secs <= warn_secs {
                left.set(Some(secs));
            } else if left.get_untracked().is_some() {
                left.set(None);
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(500)) {
            on_cleanup(move || handle.clear());
        }
    });

    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = button.get().filter(|_| left.with(Option::is_some)) {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=move || left.with(Option::is_some)>
            <div class="dialog-backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-body">
                    <h2 id="idle-title">{tr!(i18n, idle.title)}</h2>
                    // Not a live region: it changes every second. The dialog is announced once,
                    // with this text, when the focus moves to its button.
                    <p id="idle-body">
                        {move || td_string!(i18n.get_locale(), idle.body, n = left.get().unwrap_or(0)).to_string()}
                    </p>
                    <button
                        type="button"
                        class="button primary"
                        node_ref=button
                        on:click=move |_| {
                            stay.dispatch(KeepAlive {});
                        }
                    >
                        {tr!(i18n, idle.stay)}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// The sentence a person reads when a sign-in or password step fails.
pub fn sign_in_error_text(error: &crate::error::AppError, locale: Locale) -> String {
    use crate::error::AppError;
    match error {
        AppError::SignIn(SignInRefusal::WrongCredentials { attempts_left }) => {
            td_string!(locale, sign_in.wrong_credentials, n = *attempts_left).to_string()
        }
        AppError::SignIn(SignInRefusal::Locked { until }) => {
            td_string!(locale, sign_in.locked, time = crate::format::format_datetime(*until, locale)).to_string()
        }
        AppError::SignIn(SignInRefusal::ServiceSuspended) => td_string!(locale, sign_in.suspended).to_string(),
        AppError::SignIn(SignInRefusal::AccountDisabled) => td_string!(locale, sign_in.account_disabled).to_string(),
        AppError::SignIn(SignInRefusal::WeakPassword { .. }) => td_string!(locale, password.weak).to_string(),
        AppError::SignIn(SignInRefusal::TooManyCodes { retry_after_secs }) => {
            td_string!(locale, sign_in.too_many_codes, n = *retry_after_secs).to_string()
        }
        AppError::SignIn(SignInRefusal::WrongCode { entries_left }) => {
            td_string!(locale, sign_in.wrong_code, n = *entries_left).to_string()
        }
        AppError::SignIn(SignInRefusal::CodeExpired) => td_string!(locale, sign_in.code_expired).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            td_string!(locale, error.rate_limited, n = *retry_after_secs).to_string()
        }
        AppError::Invalid { field, .. } if field == "password" => {
            td_string!(locale, sign_in.required_password).to_string()
        }
        AppError::Invalid { field, .. } if field == "new_password" => td_string!(locale, password.weak).to_string(),
        AppError::Invalid { .. } => td_string!(locale, sign_in.required_login_id).to_string(),
        AppError::InPersonOnly => td_string!(locale, assist.in_person_only).to_string(),
        AppError::Internal { request_id } => {
            format!(
                "{} {}",
                td_string!(locale, error.generic),
                td_string!(locale, error.reference, id = request_id.clone())
            )
        }
        _ => td_string!(locale, error.generic).to_string(),
    }
}

/// The one-time code field of a second step, with where the code went: sign-in, password
/// change and reset, "show full number", the questionnaire's signature and a purchase all ask
/// for it the same way. The step appears in place of the one before, without a navigation: the
/// field takes the focus, and where the code went is its description, so a screen reader says
/// both, once.
#[component]
pub fn CodeField(id: &'static str, code: RwSignal<String>, masked_phone: String) -> impl IntoView {
    let i18n = use_i18n();
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    view! {
        <TextField
            id=id
            name="code"
            node_ref=input
            label=Signal::derive(move || t_string!(i18n, sign_in.code_label).to_string())
            hint=Signal::derive(move || td_string!(i18n.get_locale(), sign_in.code_lead, phone = masked_phone.clone()).to_string())
            value=code
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength=6
            autofocus=true
        />
    }
}

/// The sign-in page: `/sign-in` for customers, `/staff` for staff (`door`). Password first,
/// then the SMS code; afterwards the page asked for, or the person's home.
///
/// Plain HTML forms posted to the steps' server functions, which answer with a redirect: back here
/// (a refusal comes back in the address, Leptos's form redirects, and `sign_in_progress` says which
/// step to show) or on to the signed-in page. So the page loads no WASM, and a phone can sign in
/// before it could have downloaded the app (see `shell::loads_app`). Reached inside the app (a
/// sign-out, an idle timeout) the same forms post the same way.
#[component]
pub fn SignInPage(door: Door) -> impl IntoView {
    let i18n = use_i18n();
    let staff = door == Door::Staff;
    let query = leptos_router::hooks::use_query_map();
    // A refusal of either step, read from the address the step's redirect came back to.
    let started = StoredValue::new(if staff {
        crate::form::refusal::<StartStaffSignIn>()
    } else {
        crate::form::refusal::<StartSignIn>()
    });
    let finished = StoredValue::new(crate::form::refusal::<FinishSignIn>());
    let start_error = move || started.get_value();
    let finish_error = move || finished.get_value();
    let text = move |error: crate::error::AppError| sign_in_error_text(&error, i18n.get_locale());
    let progress = crate::resource::streamed(|| (), move |_| sign_in_progress(door));
    let start_url = if staff {
        <StartStaffSignIn as leptos::server_fn::ServerFn>::url()
    } else {
        <StartSignIn as leptos::server_fn::ServerFn>::url()
    };

    let password_step = move |login: String| {
        let problems = start_error().map(|e| missing_fields(&e)).unwrap_or_default();
        // A refusal other than empty fields: of the password step, or of a code that can no
        // longer be entered (the page is back at the password).
        let refusal = start_error().filter(|_| problems.is_empty()).or_else(finish_error).map(text);
        let missing_login = problems.contains(&SignInProblem::MissingLoginId);
        let missing_password = problems.contains(&SignInProblem::MissingPassword);
        let login_id = RwSignal::new(login);
        let password = RwSignal::new(String::new());
        view! {
            <form class="form" method="post" action=start_url novalidate>
                <TextField
                    id="login-id"
                    name="login_id"
                    label=Signal::derive(move || {
                        if staff { t_string!(i18n, sign_in.staff_login_id) } else { t_string!(i18n, sign_in.login_id) }.to_string()
                    })
                    hint=Signal::derive(move || {
                        if staff { t_string!(i18n, sign_in.staff_login_id_hint) } else { t_string!(i18n, sign_in.login_id_hint) }
                            .to_string()
                    })
                    error=Signal::derive(move || {
                        missing_login.then(|| {
                            if staff { t_string!(i18n, sign_in.required_staff_id) } else { t_string!(i18n, sign_in.required_login_id) }
                                .to_string()
                        })
                    })
                    value=login_id
                    autocomplete="username"
                    autofocus=missing_login
                />
                <TextField
                    id="password"
                    name="password"
                    label=Signal::derive(move || t_string!(i18n, sign_in.password).to_string())
                    error=Signal::derive(move || missing_password.then(|| t_string!(i18n, sign_in.required_password).to_string()))
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    autofocus=!missing_login && (missing_password || refusal.is_some())
                />
                <p role="alert" class="error-box">{refusal}</p>
                <button type="submit" class="button primary">{tr!(i18n, sign_in.submit)}</button>
            </form>
        }
    };

    let finish_url = <FinishSignIn as leptos::server_fn::ServerFn>::url();
    let restart_url = <RestartSignIn as leptos::server_fn::ServerFn>::url();
    let code_step = move |challenge: Challenge| {
        let code = RwSignal::new(String::new());
        let next = query.with_untracked(|q| q.get("next"));
        view! {
            <form class="form" method="post" action=finish_url novalidate>
                <h2>{tr!(i18n, sign_in.code_title)}</h2>
                <input type="hidden" name="challenge_id" value=challenge.id />
                {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <CodeField id="code" code masked_phone=challenge.masked_phone />
                <p role="alert" class="error-box">{finish_error().map(text)}</p>
                <button type="submit" class="button primary">{tr!(i18n, sign_in.code_submit)}</button>
            </form>
            <form class="form" method="post" action=restart_url>
                <button type="submit" class="button">{tr!(i18n, sign_in.start_over)}</button>
            </form>
        }
    };
    let title = move || if staff { t_string!(i18n, sign_in.staff_title) } else { t_string!(i18n, sign_in.title) };

    view! {
        <PageTitle text=Signal::derive(move || title().to_string()) />
        <section class="page narrow">
            <h1>{title}</h1>
            <Show when=move || query.with(|q| q.get("reason").as_deref() == Some("idle"))>
                <p class="notice" role="status">{tr!(i18n, sign_in.idle_signed_out)}</p>
            </Show>
            <p class="lead">{move || if staff { t_string!(i18n, sign_in.staff_lead) } else { t_string!(i18n, sign_in.lead) }}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let progress = settled(progress.await).await.unwrap_or_default();
                    match progress.challenge {
                        Some(challenge) => code_step(challenge).into_any(),
                        None => password_step(progress.login_id).into_any(),
                    }
                })}
            </Suspense>
            <ul class="links">
                {if staff {
                    view! { <li><a href="/sign-in">{tr!(i18n, sign_in.customer_link)}</a></li> }.into_any()
                } else {
                    view! {
                        <li><a href="/forgot-password">{tr!(i18n, sign_in.forgot_link)}</a></li>
                        <li><a href="/staff">{tr!(i18n, sign_in.staff_link)}</a></li>
                    }
                    .into_any()
                }}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_warning_comes_a_minute_early_or_halfway_for_short_timeouts() {
        assert_eq!(idle_warning_secs(300, false), 60);
        assert_eq!(idle_warning_secs(60, false), 30);
        assert_eq!(idle_warning_secs(1, false), 1);
        // Elder mode warns two minutes ahead.
        assert_eq!(idle_warning_secs(300, true), 120);
        assert_eq!(idle_warning_secs(60, true), 30);
    }

    #[test]
    fn the_page_to_come_back_to_keeps_its_query() {
        assert_eq!(encode_next("/wealth/assessment", "a=1.2&q=3"), "/wealth/assessment?a=1.2%26q=3");
        assert_eq!(encode_next("/accounts", ""), "/accounts");
        assert_eq!(encode_next("/x", "q=50%"), "/x?q=50%25");
    }

    #[test]
    fn after_sign_in_only_paths_on_this_site_are_followed() {
        assert_eq!(safe_next(Some("/messages".into()), Role::Customer), "/messages");
        for bad in ["//evil.example", "https://evil.example", "/sign-in", "/staff", "/staff?next=/x", "messages", ""] {
            assert_eq!(safe_next(Some(bad.into()), Role::Customer), "/accounts", "{bad:?}");
        }
        assert_eq!(safe_next(None, Role::Customer), "/accounts");
        assert_eq!(safe_next(None, Role::Agent), "/staff/home");
        assert_eq!(safe_next(Some("/staff/home".into()), Role::Supervisor), "/staff/home");
    }

    #[test]
    fn a_next_page_with_any_text_in_its_query_is_a_valid_location() {
        assert_eq!(as_location("/staff/customers?q=张三"), "/staff/customers?q=%E5%BC%A0%E4%B8%89");
        assert_eq!(as_location("/x?a=1 2"), "/x?a=1%202");
        assert_eq!(as_location("/accounts/1?from=2026-01-01&kind=in"), "/accounts/1?from=2026-01-01&kind=in");
        #[cfg(feature = "ssr")]
        assert!(http::HeaderValue::from_str(&as_location("/q?w=é\u{7f}")).is_ok());
    }

    #[test]
    fn missing_fields_travel_as_one_error_and_come_back() {
        for problems in [
            vec![SignInProblem::MissingLoginId],
            vec![SignInProblem::MissingPassword],
            vec![SignInProblem::MissingLoginId, SignInProblem::MissingPassword],
        ] {
            assert_eq!(missing_fields(&missing_fields_error(&problems)), problems);
        }
        assert!(missing_fields(&crate::error::AppError::NotFound).is_empty());
        let weak = crate::error::AppError::Invalid { field: "password".into(), problem: "weak".into() };
        assert!(missing_fields(&weak).is_empty());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_login_id_cookie_keeps_any_text_and_belongs_to_its_door() {
        for typed in ["C000001", "13800000001", "张三 ; ,=\"x\""] {
            let value = server::login_hint(Door::Customer, typed);
            assert!(http::HeaderValue::from_str(&value).is_ok(), "{value}");
            assert_eq!(server::read_login_hint(&value, Door::Customer).as_deref(), Some(typed));
            assert_eq!(server::read_login_hint(&value, Door::Staff), None, "the staff door's field stays empty");
        }
        assert_eq!(
            server::read_login_hint(&server::login_hint(Door::Staff, "S0110"), Door::Staff).as_deref(),
            Some("S0110")
        );
        assert_eq!(server::read_login_hint("cZZ", Door::Customer), None);
        assert_eq!(server::read_login_hint("", Door::Customer), None);
    }

    #[test]
    fn both_fields_are_required_and_blank_login_ids_do_not_count() {
        assert_eq!(check_sign_in_form("  ", ""), vec![SignInProblem::MissingLoginId, SignInProblem::MissingPassword]);
        assert_eq!(check_sign_in_form("C000001", ""), vec![SignInProblem::MissingPassword]);
        assert!(check_sign_in_form("13800000001", "secret").is_empty());
    }
}
