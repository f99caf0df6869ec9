//! The HTTP surface: `router(state)` builds the whole axum app (pages, server functions,
//! static files, probes, the language switch) with its middleware, so tests can call it
//! in-process and `serve` only binds it to a socket.

use crate::locale::{negotiate_locale, safe_return_path};
use crate::page_cache::PageCache;
use app::LOCALE_COOKIE;
use app::i18n::Locale;
use app::shell::{App, shell};
use app::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures::FutureExt;
use http::StatusCode;
use http::header::{self, HeaderName, HeaderValue};
use leptos_axum::{LeptosRoutes, generate_route_list};
use leptos_i18n::Locale as _;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Limits the HTTP layer applies, from the settings.
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
}

pub fn router(state: AppState, limits: HttpLimits) -> Router {
    crate::reactive::install_executor();
    let routes = route_list();
    let leptos_options = state.leptos_options.clone();
    let context_state = state.clone();
    let fallback_state = state.clone();

    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/locale", get(switch_locale))
        .route("/display", get(switch_display))
        .route("/accounts/{id}/export.csv", get(export_csv))
        .route("/staff/complaints/report.csv", get(complaint_report_csv))
        .route("/appointments/{id}/visit.ics", get(visit_ics))
        .route("/complaints/{id}/files/{file_id}", get(complaint_file))
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::prelude::provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || leptos::prelude::provide_context(fallback_state.clone()),
            shell,
        ))
        .with_state(state.clone());

    // The middleware wraps the router as one service, outermost first. (Given to `Router::layer`,
    // each layer wrapped every route in a box of its own, and each `from_fn` layer cloned, box by
    // box, all that it wrapped on every request: a quarter of the instructions of a page answered
    // from the rendered copy went to those clones, callgrind 2026-12-07.)
    let layered = ServiceBuilder::new()
        .layer(middleware::from_fn(crate::reactive::isolate))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %request_id)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(middleware::from_fn_with_state((state.clone(), limits), guard_and_negotiate))
        .layer(middleware::from_fn_with_state(limits, limit_body))
        // What is rendered per request (pages, API answers) is compressed as it is sent, with gzip.
        // Asked as browsers ask (gzip, br), the account page served 57-73% of its uncompressed
        // requests/s with brotli (tower-http's default quality 11, or 4) and 75-82% with gzip,
        // for 2% more bytes (8.8 KB instead of 8.7 KB).
        // The static files keep brotli: they are precompressed (cargo-leptos `--precompress`),
        // served as they are, and this layer leaves an encoded response alone.
        .layer(CompressionLayer::new().no_br())
        .layer(middleware::from_fn_with_state(state, security_headers))
        // The landing page and the sign-in doors, rendered once per language and display.
        .layer(middleware::from_fn_with_state(PageCache::default(), crate::page_cache::serve))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn(api_error_status))
        .service(app);
    Router::new().fallback_service(layered)
}

/// Server functions answer every error with HTTP 500 and the error in the body. This gives
/// the response the status its error means (404 not found, 401, 403, 422 invalid input, 429),
/// so only the unexpected stays a 500; the body, which the browser decodes, is unchanged.
async fn api_error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status_code();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Bounds every request body by the settings' limit (413 when its length is known to be larger;
/// an error while reading when it turns out larger), except the routes that take files, which take up to
/// `UPLOAD_BODY_LIMIT` and only as a multipart form (anything else there answers 415).
async fn limit_body(State(limits): State<HttpLimits>, req: Request, next: Next) -> Response {
    let upload = app::complaints::UPLOAD_PATHS.contains(&req.uri().path());
    if upload {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.starts_with("multipart/form-data") || !content_type.contains("boundary=") {
            return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "files are sent as multipart/form-data").into_response();
        }
    }
    let limit = if upload { app::complaints::UPLOAD_BODY_LIMIT } else { limits.body_limit_bytes };
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let known = declared.or_else(|| axum::body::HttpBody::size_hint(req.body()).exact());
    if known.is_some_and(|length| length > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "the request is too large").into_response();
    }
    next.run(req.map(|body| Body::new(http_body_util::Limited::new(body, limit)))).await
}

/// The process is alive.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    if crate::db::is_reachable(&state.pool).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

#[derive(serde::Deserialize)]
struct LocaleSwitch {
    to: String,
    back: Option<String>,
}

/// The language switch without WASM: remembers the choice in the cookie and goes back.
async fn switch_locale(State(state): State<AppState>, Query(query): Query<LocaleSwitch>) -> Response {
    let Some(locale) = app::shell::parse_locale(&query.to) else {
        return (StatusCode::BAD_REQUEST, format!("unsupported language {:?}: use zh-CN or en", query.to))
            .into_response();
    };
    let cookie = app::preference_cookie(LOCALE_COOKIE, locale.as_str(), state.settings.https);
    let back = safe_return_path(query.back.as_deref());
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, back)
        .header(header::SET_COOKIE, cookie)
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[derive(serde::Deserialize)]
struct DisplaySwitch {
    elder: Option<String>,
    theme: Option<String>,
    back: Option<String>,
}

/// The elder-mode and theme switches (app::display): remembers the choice in this browser's
/// cookies and, for a signed-in customer in their own session, with their profile; then goes back.
async fn switch_display(State(state): State<AppState>, Query(query): Query<DisplaySwitch>, req: Request) -> Response {
    use app::display::{Display, Theme};
    let (parts, _) = req.into_parts();
    let elder = match query.elder.as_deref() {
        None => None,
        Some("1") => Some(true),
        Some("0") => Some(false),
        Some(other) => return (StatusCode::BAD_REQUEST, format!("elder is 1 or 0, not {other:?}")).into_response(),
    };
    let theme = match query.theme.as_deref() {
        None => None,
        Some(text) => match Theme::parse(text) {
            Some(theme) => Some(theme),
            None => {
                return (StatusCode::BAD_REQUEST, format!("theme is system, light or dark, not {text:?}"))
                    .into_response();
            }
        },
    };
    let mut display = Display::of_request(&parts.headers);
    display.elder = elder.unwrap_or(display.elder);
    display.theme = theme.unwrap_or(display.theme);
    let mut cookies = app::display::service::cookies(display, state.settings.https);
    match app::guard::session_of(&state, &parts).await {
        // An agent acting for the customer changes their own browser only.
        Ok((Some(who), renewed)) if who.actor.is_none() => {
            cookies.extend(renewed);
            if let Some(customer_id) = who.customer_id()
                && let Err(e) = app::display::service::save(&state.pool, customer_id, elder, theme).await
            {
                tracing::error!(request_id = %request_id_of(&parts.headers), error = %e, "saving the display failed");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::error!(request_id = %request_id_of(&parts.headers), error = %e, "session lookup failed"),
    }
    let mut response = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, safe_return_path(query.back.as_deref()))
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    for value in cookies {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The app's routes, worked out once per process. Working them out renders the app with resource
/// loading switched off process-wide (leptos#4773): a page rendered meanwhile, by another router
/// in the same process (the integration tests build one per test), would wait forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The request's language, as `guard_and_negotiate` decides it, for plain handlers.
fn locale_of(state: &AppState, headers: &http::HeaderMap) -> Locale {
    let default = app::shell::parse_locale(&state.settings.default_locale).unwrap_or(Locale::zh_CN);
    let cookie_locale = app::state::cookie_value(headers, LOCALE_COOKIE);
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    negotiate_locale(cookie_locale.as_deref(), accept, default)
}

/// A file to download: its type, how the browser is to save it, and its bytes.
struct Download {
    content_type: String,
    disposition: String,
    body: Body,
}

impl Download {
    /// A text file the portal made, under the (ASCII) name it chose.
    fn text(content_type: &str, name: &str, body: String) -> Download {
        Download {
            content_type: content_type.to_owned(),
            disposition: format!("attachment; filename=\"{name}\""),
            body: Body::from(body),
        }
    }
}

/// A file for the signed-in person (with their renewed-session cookies), or what to do instead:
/// sign in first (and come back to `page`), a named problem, or an error page.
fn download(
    result: Result<(Download, Vec<HeaderValue>), app::error::AppError>,
    page: &str,
    locale: Locale,
    request_id: &str,
) -> Response {
    match result {
        Ok((file, cookies)) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, file.content_type),
                    (header::CONTENT_DISPOSITION, file.disposition),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                file.body,
            )
                .into_response();
            for cookie in cookies {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(app::error::AppError::Unauthenticated) => {
            // Staff sign in at their own door.
            let door = if page.starts_with("/staff") { "/staff" } else { "/sign-in" };
            axum::response::Redirect::to(&format!("{door}?next={page}")).into_response()
        }
        Err(app::error::AppError::Invalid { problem, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, format!("the request is not valid: {problem}")).into_response()
        }
        Err(e) => {
            let status = e.status_code();
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(%request_id, error = %e, "download failed");
            }
            error_page(status, locale, request_id)
        }
    }
}

fn request_id_of(headers: &http::HeaderMap) -> String {
    headers.get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
}

/// The filtered history of one of the signed-in customer's accounts as a CSV download.
async fn export_csv(
    State(state): State<AppState>,
    axum::extract::Path(account_id): axum::extract::Path<i64>,
    Query(filter): Query<app::accounts::filter::FilterQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let locale = locale_of(&state, &parts.headers);
    let result = app::accounts::export::export(&state, &parts, account_id, filter, locale).await;
    let file = result.map(|(name, body, cookies)| (Download::text("text/csv; charset=utf-8", &name, body), cookies));
    download(file, &format!("/accounts/{account_id}"), locale, &request_id_of(&parts.headers))
}

/// The supervisors' weekly complaints and satisfaction report as a CSV download.
async fn complaint_report_csv(
    State(state): State<AppState>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let locale = locale_of(&state, &parts.headers);
    let week = query.get("week").map(String::as_str);
    let result = app::complaints::report::ssr::export(&state, &parts, week, locale).await;
    let file = result.map(|(name, body, cookies)| (Download::text("text/csv; charset=utf-8", &name, body), cookies));
    download(file, "/staff/complaints/report", locale, &request_id_of(&parts.headers))
}

/// One of the signed-in customer's booked visits as a calendar file.
async fn visit_ics(
    State(state): State<AppState>,
    axum::extract::Path(appointment_id): axum::extract::Path<i64>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let locale = locale_of(&state, &parts.headers);
    let result = app::appointments::service::calendar(&state, &parts, appointment_id, locale).await;
    let file =
        result.map(|(name, body, cookies)| (Download::text("text/calendar; charset=utf-8", &name, body), cookies));
    download(file, &format!("/appointments/{appointment_id}"), locale, &request_id_of(&parts.headers))
}

/// A file sent with a complaint, to its customer or the staff handling it: always downloaded
/// (never shown in the portal's origin), under its own name, with its type as its content said.
async fn complaint_file(
    State(state): State<AppState>,
    axum::extract::Path((complaint_id, file_id)): axum::extract::Path<(i64, i64)>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let locale = locale_of(&state, &parts.headers);
    let result = app::complaints::service::download_file(&state, &parts, complaint_id, file_id).await;
    let file = result.map(|((name, content_type, content), cookies)| {
        let disposition = app::complaints::files::content_disposition(&name);
        (Download { content_type, disposition, body: Body::from(content) }, cookies)
    });
    download(file, &format!("/complaints/{complaint_id}"), locale, &request_id_of(&parts.headers))
}

/// Decides the request's language once (cookie, then Accept-Language, then the configured
/// default) and hands it on as the only Accept-Language, so the pages agree with it; gives the
/// request its one session lookup (`RequestSession`); then runs
/// the request under the time limit, turning a panic or a timeout into a page in that language
/// with the request id, never internals.
pub async fn guard_and_negotiate(
    State((state, limits)): State<(AppState, HttpLimits)>,
    mut req: Request,
    next: Next,
) -> Response {
    let locale = locale_of(&state, req.headers());
    // leptos_i18n renders in the language it finds here (it does not read the cookie itself).
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(locale.as_str()));
    let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    // The session is looked up once per request, however many parts of a page ask for it.
    req.extensions_mut().insert(app::guard::RequestSession::default());

    match tokio::time::timeout(limits.request_timeout, AssertUnwindSafe(next.run(req)).catch_unwind()).await {
        Ok(Ok(response)) => response,
        Ok(Err(panic)) => {
            let cause = panic_cause(panic.as_ref());
            tracing::error!(%request_id, %cause, "request handler panicked");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, locale, &request_id)
        }
        Err(_) => {
            tracing::error!(%request_id, timeout = ?limits.request_timeout, "request timed out");
            error_page(StatusCode::SERVICE_UNAVAILABLE, locale, &request_id)
        }
    }
}

/// The message a panic carried (`panic!` gives a `&str` or a `String`).
pub fn panic_cause(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Refuses state-changing requests (server functions are POSTs) sent from another site, in
/// addition to the SameSite=Strict cookies: browsers say where a request comes from in
/// `Sec-Fetch-Site`, and in `Origin`, which must then name this host.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), http::Method::GET | http::Method::HEAD | http::Method::OPTIONS)
        && is_cross_site(req.headers())
    {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

fn is_cross_site(headers: &http::HeaderMap) -> bool {
    let header = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header(HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match (header(header::ORIGIN), header(header::HOST)) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        (Some(_), None) => true,
        // No Origin: not a browser's cross-site form or fetch.
        (None, _) => false,
    }
}

/// A self-contained error page: no WASM, no script, the message in the visitor's language.
pub fn error_page(status: StatusCode, locale: Locale, request_id: &str) -> Response {
    use leptos_i18n::td_string;
    let title = td_string!(locale, error.title);
    let body = td_string!(locale, error.generic);
    let reference = td_string!(locale, error.reference, id = request_id.to_owned());
    let home = td_string!(locale, not_found.back_home);
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/portal.css\"></head>\
         <body><main id=\"main\" class=\"page narrow\"><h1>{title}</h1><p>{body}</p><p>{reference}</p>\
         <p><a class=\"button\" href=\"/\">{home}</a></p></main></body></html>",
        lang = locale.as_str(),
        reference = escape_html(&reference),
    );
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    response
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Headers every response carries. Pages set their own CSP (with the render's nonce); anything
/// else gets the strictest policy. Pages and data are never cached; built assets briefly.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/")
        || req.uri().path().starts_with("/icons/")
        || req.uri().path() == "/favicon.svg";
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    ];
    for (name, value) in fixed {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if state.settings.https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    let cache = if is_asset { "public, max-age=3600" } else { "no-store" };
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(cache));
    response
}
