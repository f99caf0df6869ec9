//! The error policy, one type for every server function.
//!
//! What the user sees: a message in their language naming the problem (a field, a missing
//! resource, a limit) or, for anything unexpected, a generic message with the request id.
//! What the log gets: the cause, with the same request id. Internals never reach the page.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The resource does not exist, or belongs to someone else: both answer the same.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// Only the customer may do this, in person: refused to a member of staff acting in a
    /// delegated session (the questionnaire, a subscription, their password…).
    #[error("only the customer may do this themselves")]
    InPersonOnly,
    /// A field failed validation; `problem` is a stable key the UI translates.
    #[error("invalid {field}: {problem}")]
    Invalid { field: String, problem: String },
    /// A file sent with a message was refused: which one (its name), and why.
    #[error("file {name:?} refused: {problem:?}")]
    File { name: String, problem: crate::complaints::files::FileProblem },
    /// A sign-in step was refused; the variant says why (in the person's language).
    #[error("sign-in refused: {0:?}")]
    SignIn(crate::auth::SignInRefusal),
    /// Someone else just took the last place of that time; these times are still free.
    #[error("that time was just taken")]
    Taken { next_free: Vec<i64> },
    #[error("too many requests, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// Anything unexpected. The cause was logged under `request_id`.
    #[error("internal error (request {request_id})")]
    Internal { request_id: String },
    /// The request did not reach the server or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::InPersonOnly => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } | AppError::File { .. } | AppError::SignIn(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Taken { .. } => StatusCode::CONFLICT,
            AppError::Internal { .. } | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs `cause` with the current request's id and returns the error the user may see.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let request_id = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get("x-request-id")?.to_str().ok().map(str::to_owned))
            .unwrap_or_else(|| "-".to_owned());
        tracing::error!(%request_id, %cause, "internal error in a server function");
        AppError::Internal { request_id }
    }
}
