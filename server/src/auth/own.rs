//! What every staff member may do to their own account: change the
//! password, see where they are signed in, and end a session.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use stipple_app::domain::{
    api::{ErrorBody, PasswordChange, SessionInfo, SessionList},
    states::AuditAction,
    FieldErrors,
};

use super::{accounts, password, session};
use crate::{
    audit::Event,
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, Staff},
    },
    state::AppState,
};

/// `POST /api/v1/staff/password`: the current password, then the new one;
/// every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/staff/password", tag = "staff", request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; every other session of this account has ended."),
        (status = 422, description = "The current password is wrong, or the new one is too \
            short or too easy to guess (the reason says what to do).", body = ErrorBody),
    ))]
pub async fn change_password(
    req: HttpRequest,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 16 * 1024).await?;
    let change: PasswordChange = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::BadRequest("Send {\"current_password\": …, \"new_password\": …} as JSON".into())
    })?;
    let me = &staff.0;
    let account = accounts::find(&state.db, me.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let stored = account.password_hash.clone();
    let current = change.current_password.clone();
    // A password check takes tens of milliseconds of CPU: off the async threads.
    let ok = tokio::task::spawn_blocking(move || password::verify(&current, Some(&stored)))
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    let mut errors = FieldErrors::default();
    if !ok {
        errors.add("current_password", "This is not your current password");
    }
    let new = password::NewPassword::parse(&change.new_password);
    if let Err(why) = &new {
        errors.add("new_password", why.clone());
    }
    if change.new_password == change.current_password {
        errors.add(
            "new_password",
            "Choose a password different from the current one",
        );
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    let new = new.expect("checked above");
    let hash = tokio::task::spawn_blocking(move || new.hash())
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    accounts::set_password_hash(&state.db, me.id, hash).await?;
    let ended = session::end_others(&state.db, me.id, &me.session_sha256).await?;
    Event::new(
        AuditAction::PasswordChanged,
        Some(me.id),
        Some(client_ip(&req)),
    )
    .detail(format!("{ended} other sessions ended"))
    .record(&state.db)
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/staff/sessions`: where this account is signed in.
#[utoipa::path(get, path = "/api/v1/staff/sessions", tag = "staff",
    responses((status = 200, description = "This account's live sessions, most recently used first.", body = SessionList)))]
pub async fn sessions(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let me = &staff.0;
    let items = session::of_user(&state.db, me.id)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            id: session::public_id(&s.token_sha256),
            current: s.token_sha256 == me.session_sha256,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip,
            device: s.user_agent,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SessionList { items }))
}

/// `DELETE /api/v1/staff/sessions/{id}`: ends one of this account's sessions
/// (the current one too: that is signing out).
#[utoipa::path(delete, path = "/api/v1/staff/sessions/{id}", tag = "staff",
    params(("id" = String, Path, description = "A session's `id` from GET /api/v1/staff/sessions.")),
    responses(
        (status = 204, description = "Ended: its cookie opens nothing from now on."),
        (status = 404, description = "No such session of this account.", body = ErrorBody),
    ))]
pub async fn end_session(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let me = &staff.0;
    let target = session::of_user(&state.db, me.id)
        .await?
        .into_iter()
        .find(|s| session::public_id(&s.token_sha256) == *path)
        .ok_or(ApiError::NotFound)?;
    session::end(&state.db, &target.token_sha256).await?;
    Event::new(
        AuditAction::SessionEnded,
        Some(me.id),
        Some(client_ip(&req)),
    )
    .record(&state.db)
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
