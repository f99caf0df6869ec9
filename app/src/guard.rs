//! The guard: who is asking. Every request's session is looked up once (from the access cookie,
//! or by trading the refresh cookie for new tokens) and every server function asks here first:
//! a customer, a member of staff of some roles, or nobody. A refusal is recorded.
//!
//! The tokens themselves (`auth::token`) and trading a refresh token for new ones
//! (`auth::service::refresh`) stay with signing in, which issues them.

use crate::auth::Role;
use crate::error::AppError;
use crate::state::{AppState, SigningKey};
use leptos::prelude::use_context;
use sqlx::AnyPool;

/// Who an access token belongs to, once its session has been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authenticated {
    pub principal: String,
    pub role: Role,
    pub session_id: String,
    /// The session's activity as recorded after this request (unix seconds).
    pub last_seen_at: i64,
    /// In a delegated session, the member of staff acting in the customer's name (the token's
    /// `act`); the principal is the customer.
    pub actor: Option<i64>,
    /// For a member of staff: this request still carried the cookie of a delegated session that
    /// has ended (that delegation's id), so the page can say so.
    pub assist_ended: Option<i64>,
}

impl Authenticated {
    pub fn customer_id(&self) -> Option<i64> {
        self.principal.strip_prefix("customer:")?.parse().ok()
    }

    pub fn staff_id(&self) -> Option<i64> {
        self.principal.strip_prefix("staff:")?.parse().ok()
    }
}

/// A valid token whose session is neither revoked nor past its absolute end; `None` otherwise.
/// Records the session's activity, at most once per `rules::ACTIVITY_RECORD_SECS`.
pub async fn authenticate(
    pool: &AnyPool,
    key: &SigningKey,
    token: &str,
    now: i64,
) -> Result<Option<Authenticated>, sqlx::Error> {
    let Ok(claims) = crate::auth::token::verify(token, key, now) else { return Ok(None) };
    #[derive(sqlx::FromRow)]
    struct Live {
        principal: String,
        created_at: i64,
        last_seen_at: i64,
        acting_staff_id: Option<i64>,
    }
    let live: Option<Live> = sqlx::query_as(
        "SELECT principal, created_at, last_seen_at, acting_staff_id FROM sessions \
         WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&claims.sid)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let Some(mut live) = live.filter(|live| live.principal == claims.sub) else { return Ok(None) };
    // A token names an actor exactly when its session was opened for one, and the same one.
    let actor = match &claims.act {
        None => None,
        Some(act) => match crate::audit::principal_parts(&act.sub) {
            Some(("staff", id)) => Some(id),
            _ => return Ok(None),
        },
    };
    if actor != live.acting_staff_id {
        return Ok(None);
    }
    if actor.is_some() {
        // A delegated session's own limits (30 minutes, 5 idle), checked on every request.
        if let Some(ended) = crate::delegation::rules::session_ended(live.created_at, live.last_seen_at, now) {
            crate::delegation::service::end_at_limit(pool, &claims.sid, ended, now).await?;
            return Ok(None);
        }
        record_activity(pool, &claims.sid, now).await?;
        live.last_seen_at = now;
    } else if crate::auth::rules::records_activity(live.last_seen_at, now) {
        record_activity(pool, &claims.sid, now).await?;
        live.last_seen_at = now;
    }
    Ok(Some(Authenticated {
        principal: live.principal,
        role: claims.role,
        session_id: claims.sid,
        last_seen_at: live.last_seen_at,
        actor,
        assist_ended: None,
    }))
}

/// Records activity on a session now (never moving it back, whichever request writes last).
pub async fn record_activity(pool: &AnyPool, session_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(session_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The server's shared state, from the request's context.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from the server function context"))
}

/// The caller's session, from this server function's or page's request; renewed tokens
/// are set on its response.
pub async fn authenticated(state: &AppState) -> Result<Option<Authenticated>, AppError> {
    let Some(parts) = use_context::<http::request::Parts>() else { return Ok(None) };
    let (who, cookies) = session_of(state, &parts).await?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        // Several parts of one page ask; the renewed cookies go on its response once.
        for cookie in cookies {
            let set = response
                .0
                .read()
                .is_ok_and(|r| r.headers.get_all(http::header::SET_COOKIE).iter().any(|v| *v == cookie));
            if !set {
                response.append_header(http::header::SET_COOKIE, cookie);
            }
        }
    }
    Ok(who)
}

/// The session of one request, looked up once however many resources and server functions
/// of its page ask: the server's middleware puts one in every request's extensions.
#[derive(Clone, Debug, Default)]
#[allow(clippy::type_complexity)]
pub struct RequestSession(std::sync::Arc<tokio::sync::OnceCell<(Option<Authenticated>, Vec<http::HeaderValue>)>>);

impl RequestSession {
    /// The session, if it has been looked up already.
    pub fn current(&self) -> Option<Authenticated> {
        self.0.get().and_then(|(who, _)| who.clone())
    }
}

/// The session a request carries: from the access cookie, or, when that has run out, by
/// trading the refresh cookie for new tokens, returned as `Set-Cookie` values for the
/// response. For plain axum handlers as much as for server functions.
pub async fn session_of(
    state: &AppState,
    parts: &http::request::Parts,
) -> Result<(Option<Authenticated>, Vec<http::HeaderValue>), AppError> {
    let Some(once) = parts.extensions.get::<RequestSession>() else { return look_up_session(state, parts).await };
    Ok(once.0.get_or_try_init(|| look_up_session(state, parts)).await?.clone())
}

async fn look_up_session(
    state: &AppState,
    parts: &http::request::Parts,
) -> Result<(Option<Authenticated>, Vec<http::HeaderValue>), AppError> {
    let cookie = |name| crate::state::cookie_value(&parts.headers, name);
    let now = state.now();
    // A delegated session, held beside the agent's own: while it lives it is who is asking, and
    // every request in it is recorded; once it has ended, the agent's own session answers.
    let mut assist_ended = None;
    if let Some(token) = cookie(crate::delegation::ASSIST_COOKIE) {
        let delegated = authenticate(&state.pool, &state.signing_key, &token, now).await.map_err(AppError::internal)?;
        let live = match delegated {
            Some(who) if who.actor.is_some() => agent_still_here(state, parts, &who, now).await?.then_some(who),
            _ => None,
        };
        if let Some(who) = live {
            let detail = serde_json::json!({ "method": parts.method.as_str(), "path": parts.uri.path() });
            crate::audit::audit_about(
                &state.pool,
                "assisted_request",
                Some(&who.principal),
                Some(&who.session_id),
                who.customer_id(),
                who.actor,
                &crate::audit::client_of(parts),
                now,
                &detail.to_string(),
            )
            .await
            .map_err(AppError::internal)?;
            return Ok((Some(who), Vec::new()));
        }
        let id = crate::delegation::service::of_token(&state.pool, &state.signing_key, &token)
            .await
            .map_err(AppError::internal)?;
        assist_ended = Some(id.unwrap_or(0));
    }
    let (mut who, mut cookies) = own_session(state, parts, now).await?;
    if let Some(ended) = assist_ended {
        cookies.push(crate::delegation::clear_assist_cookie(&state.settings));
        if let Some(who) = who.as_mut().filter(|who| who.role.is_staff()) {
            who.assist_ended = Some(ended);
        }
    }
    Ok((who, cookies))
}

/// Whether the agent acting in delegated session `who` still has their own live session in this
/// browser (the access cookie's, or the refresh cookie's once that has run out), which counts
/// the request as their activity too: their own session lives while they work in the customer's,
/// and ends it when it ends. A delegated session without it is ended here.
async fn agent_still_here(
    state: &AppState,
    parts: &http::request::Parts,
    who: &Authenticated,
    now: i64,
) -> Result<bool, AppError> {
    let cookie = |name| crate::state::cookie_value(&parts.headers, name);
    let agent = format!("staff:{}", who.actor.unwrap_or_default());
    let from_access = cookie(crate::auth::ACCESS_COOKIE)
        .and_then(|token| crate::auth::token::verify_signature(&token, &state.signing_key).ok())
        .filter(|claims| claims.sub == agent)
        .map(|claims| claims.sid);
    let own = match (from_access, cookie(crate::auth::REFRESH_COOKIE)) {
        (Some(sid), _) => Some(sid),
        (None, Some(refresh)) => sqlx::query_scalar("SELECT session_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(crate::auth::service::sha256_hex(&refresh))
            .fetch_optional(&state.pool)
            .await
            .map_err(AppError::internal)?,
        (None, None) => None,
    };
    let last_seen: Option<i64> = sqlx::query_scalar(
        "SELECT last_seen_at FROM sessions WHERE id = $1 AND principal = $2 AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(own.as_deref().unwrap_or_default())
    .bind(&agent)
    .bind(now)
    .fetch_optional(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let idle_secs = i64::from(state.settings.idle_timeout_minutes) * 60;
    let Some(last_seen) = last_seen.filter(|seen| !crate::auth::rules::is_idle(*seen, idle_secs, now)) else {
        crate::delegation::service::end_own(&state.pool, who, "agent_signed_out", now).await?;
        return Ok(false);
    };
    // Recorded as any session's activity is: at most once per `rules::ACTIVITY_RECORD_SECS`.
    if crate::auth::rules::records_activity(last_seen, now) {
        record_activity(&state.pool, own.as_deref().unwrap_or_default(), now).await.map_err(AppError::internal)?;
    }
    Ok(true)
}

/// The person's own session: the access cookie, or the refresh cookie traded for new tokens.
async fn own_session(
    state: &AppState,
    parts: &http::request::Parts,
    now: i64,
) -> Result<(Option<Authenticated>, Vec<http::HeaderValue>), AppError> {
    let cookie = |name| crate::state::cookie_value(&parts.headers, name);
    if let Some(token) = cookie(crate::auth::ACCESS_COOKIE) {
        let who = authenticate(&state.pool, &state.signing_key, &token, now).await.map_err(AppError::internal)?;
        if who.as_ref().is_some_and(|who| who.actor.is_none()) {
            return Ok((who, Vec::new()));
        }
    }
    let Some(refresh_token) = cookie(crate::auth::REFRESH_COOKIE) else { return Ok((None, Vec::new())) };
    let Some(refreshed) = crate::auth::server::refused_or_internal(
        crate::auth::service::refresh(
            &crate::auth::server::deps(state),
            &refresh_token,
            &crate::audit::client_of(parts),
            now,
        )
        .await,
    )?
    else {
        return Ok((None, Vec::new()));
    };
    let cookies = crate::auth::server::session_cookies(
        &state.settings,
        &refreshed.access_token,
        refreshed.refresh_token.as_deref(),
    );
    Ok((Some(refreshed.who), cookies))
}

/// The signed-in customer making this request, with their customer id, or `Unauthenticated`. A
/// staff session is refused (`Forbidden`) and the attempt recorded. A delegated session is the
/// customer's: what only the customer may do asks [`require_customer_in_person`].
pub async fn require_customer() -> Result<(AppState, Authenticated, i64), AppError> {
    let (state, who) = require_role(&[Role::Customer]).await?;
    let customer_id = who.customer_id().ok_or(AppError::Forbidden)?;
    Ok((state, who, customer_id))
}

/// Like [`require_customer`], for what the customer must do themselves (`action` names it: the
/// questionnaire, a subscription, their password…): a member of staff acting in a delegated
/// session is refused (`InPersonOnly`), and the attempt recorded for the customer to see.
pub async fn require_customer_in_person(action: &str) -> Result<(AppState, Authenticated, i64), AppError> {
    let (state, who, customer_id) = require_customer().await?;
    if who.actor.is_some() {
        let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_owned()).unwrap_or_default();
        let detail = serde_json::json!({ "action": action, "path": path }).to_string();
        crate::audit::record(&state.pool, &who, "assisted_refused", state.now(), &detail)
            .await
            .map_err(AppError::internal)?;
        return Err(AppError::InPersonOnly);
    }
    Ok((state, who, customer_id))
}

/// The signed-in member of staff, if their role is one of `roles`; anyone else signed in is
/// refused (`Forbidden`) and the attempt recorded.
pub async fn require_staff(roles: &[Role]) -> Result<(AppState, Authenticated), AppError> {
    debug_assert!(roles.iter().all(|r| r.is_staff()));
    require_role(roles).await
}

async fn require_role(roles: &[Role]) -> Result<(AppState, Authenticated), AppError> {
    let state = state()?;
    match authenticated(&state).await? {
        Some(who) if roles.contains(&who.role) => Ok((state, who)),
        Some(who) => {
            let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_owned()).unwrap_or_default();
            let detail = serde_json::json!({ "path": path, "role": who.role.as_str() }).to_string();
            let now = state.now();
            crate::audit::record(&state.pool, &who, "permission_denied", now, &detail)
                .await
                .map_err(AppError::internal)?;
            Err(AppError::Forbidden)
        }
        None => Err(AppError::Unauthenticated),
    }
}
