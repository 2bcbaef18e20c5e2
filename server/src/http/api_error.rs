//! The API's error type: maps each failure to a status and a JSON body.
//! Causes are logged with the request id; internals never reach the client.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use stipple_app::domain::{api::ErrorBody, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// Not found, with what the person holding the link should do.
    #[error("not found: {0}")]
    Missing(&'static str),
    /// No staff session, or it has ended.
    #[error("unauthorized")]
    Unauthorized,
    /// A failed sign-in: the same answer whether the e-mail exists or not.
    #[error("wrong credentials")]
    WrongCredentials,
    /// A wrong, used or unknown two-factor or recovery code.
    #[error("wrong code")]
    WrongCode,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A limit is reached: retry after this many seconds, and why.
    #[error("too many requests")]
    TooManyRequests(u64, &'static str),
    /// The body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    /// Existed once, not any more (expired or used invites, deleted records).
    #[error("gone: {0}")]
    Gone(String),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("conflict: {0}")]
    ConflictMessage(String),
    #[error("body too large")]
    TooLarge(usize),
    /// The body's media type, and the ones accepted.
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// The path exists with other methods (listed for `Allow`).
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// The database did not answer: the client may retry.
    #[error("storage unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        match e {
            // What the database holds is not what this server wrote (a
            // sealed value that does not open, an unknown status): trying
            // again will not help.
            sea_orm::DbErr::Custom(_) | sea_orm::DbErr::Type(_) => ApiError::Unexpected(e.into()),
            // Every other database failure is "try again later": a 500
            // would tell the client nothing more and could leak details.
            _ => ApiError::Unavailable(e.into()),
        }
    }
}

/// A sealed value that does not open is the server's fault, never the caller's.
impl From<crate::vault::Unreadable> for ApiError {
    fn from(e: crate::vault::Unreadable) -> Self {
        ApiError::Unexpected(e.into())
    }
}

impl From<crate::limits::Refusal> for ApiError {
    fn from(r: crate::limits::Refusal) -> Self {
        match r {
            crate::limits::Refusal::Limited {
                retry_after,
                reason,
            } => ApiError::TooManyRequests(retry_after, reason),
            crate::limits::Refusal::Storage(e) => e.into(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound | ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized | ApiError::WrongCredentials | ApiError::WrongCode => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::Conflict(_) | ApiError::ConflictMessage(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = |m: &str| m.to_string();
        let error = match self {
            ApiError::BadRequest(m) | ApiError::Gone(m) | ApiError::ConflictMessage(m) => m.clone(),
            ApiError::Invalid(_) => message("Some answers need attention"),
            ApiError::NotFound => message("Not found"),
            ApiError::Missing(m) | ApiError::Forbidden(m) | ApiError::Conflict(m) => message(m),
            ApiError::Unauthorized => message("Please sign in"),
            ApiError::WrongCredentials => message("Wrong e-mail or password"),
            ApiError::WrongCode => message(
                "That code is not right, or was used already: type the code your app shows now, \
                 or one of your recovery codes",
            ),
            ApiError::TooManyRequests(_, why) => message(why),
            ApiError::RequestTimeout => message("The request body arrived too slowly"),
            ApiError::TooLarge(limit) => format!("The request body is larger than {limit} bytes"),
            ApiError::UnsupportedMediaType(accepted) => {
                format!("Send the body with Content-Type: {accepted}")
            }
            ApiError::MethodNotAllowed(allowed) => format!("This address answers {allowed}"),
            ApiError::Unavailable(e) => {
                tracing::error!(error = format!("{e:#}"), "storage unavailable");
                message("The service is temporarily unavailable; please try again shortly")
            }
            ApiError::Unexpected(e) => {
                tracing::error!(error = format!("{e:#}"), "unexpected error");
                message("Something went wrong on our side")
            }
        };
        let errors = match self {
            ApiError::Invalid(errors) => Some(errors.clone()),
            _ => None,
        };
        let body = ErrorBody { error, errors };
        let mut res = HttpResponse::build(self.status_code()).json(body);
        let retry_after = match self {
            ApiError::Unavailable(_) => Some(5),
            ApiError::TooManyRequests(secs, _) => Some(*secs),
            _ => None,
        };
        if let ApiError::MethodNotAllowed(allowed) = self {
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(allowed) {
                res.headers_mut().insert(actix_web::http::header::ALLOW, v);
            }
        }
        if let Some(secs) = retry_after {
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(secs),
            );
        }
        res
    }
}
