//! Sign-in, sign-out and "who am I".

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::{
    http::{api_error::ApiError, body},
    staff::{
        accounts::{self, Role},
        audit::{self, Event},
        password,
        routes::{client_ip, Staff},
        session::{self, StaffIdentity},
        throttle,
    },
    startup::AppState,
};

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// Sign-in bodies are small: anything larger is not a sign-in.
const MAX_LOGIN_BYTES: usize = 16 * 1024;

fn user_json(id: uuid::Uuid, email: &str, name: &str, role: Role, csrf: &str) -> serde_json::Value {
    json!({
        "user": {"id": id, "email": email, "name": name, "role": role},
        "role": role,
        "csrf_token": csrf,
    })
}

/// `POST /api/v1/staff/login`.
pub async fn login(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, MAX_LOGIN_BYTES).await?;
    let creds: Credentials = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::BadRequest("Send {\"email\": …, \"password\": …} as JSON".into()))?;
    let email = accounts::normalise_email(&creds.email);
    let ip = client_ip(&req);
    let attempt = throttle::record_attempt(&state.db, &email, &ip).await?;
    if let Some(wait) = throttle::locked_for(&state.db, &email, &ip, attempt).await? {
        throttle::forget_attempt(&state.db, attempt).await?;
        return Err(ApiError::TooManyRequests(wait));
    }
    let user = accounts::find_by_email(&state.db, &email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let password_given = creds.password;
    // Hashing takes tens of milliseconds of CPU: off the async threads.
    let ok =
        tokio::task::spawn_blocking(move || password::verify(&password_given, stored.as_deref()))
            .await
            .map_err(|e| ApiError::Unexpected(e.into()))?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        (_, user) => {
            // The attempt's row stays: it is the failure.
            Event::new(audit::LOGIN_FAILED, user.map(|u| u.id), Some(ip))
                .detail(email.chars().take(254).collect::<String>())
                .record(&state.db)
                .await?;
            return Err(ApiError::WrongCredentials);
        }
    };
    let role = Role::parse(&user.role).ok_or(ApiError::WrongCredentials)?;
    throttle::clear_account(&state.db, &email).await?;
    // A sign-in always gets a new session id: a session planted before
    // sign-in is worth nothing afterwards.
    if let Ok(Some(old)) = session::resolve(&state.db, &state.settings, &req).await {
        session::end(&state.db, &old.session_sha256).await?;
    }
    let (token, csrf) = session::start(&state.db, &user, Some(ip.clone())).await?;
    Event::new(audit::LOGIN, Some(user.id), Some(ip))
        .record(&state.db)
        .await?;
    Ok(HttpResponse::Ok()
        .cookie(session::cookie(&state.settings, &token))
        .insert_header(("cache-control", "no-store"))
        .json(user_json(user.id, &user.email, &user.name, role, &csrf)))
}

/// `POST /api/v1/staff/logout`: ends the session on the server too.
pub async fn logout(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Staff(who) = staff;
    session::end(&state.db, &who.session_sha256).await?;
    Event::new(audit::LOGOUT, Some(who.id), Some(client_ip(&req)))
        .record(&state.db)
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal_cookie(&state.settings))
        .finish())
}

/// `GET /api/v1/staff/me`.
pub async fn me(staff: Staff) -> HttpResponse {
    let Staff(StaffIdentity {
        id,
        email,
        name,
        role,
        csrf_token,
        ..
    }) = staff;
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(user_json(id, &email, &name, role, &csrf_token))
}
