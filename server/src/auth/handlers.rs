//! Sign-in, sign-out and "who am I".

use actix_web::{web, HttpRequest, HttpResponse};
use stipple_app::domain::{
    api::{Credentials, ErrorBody, StaffSession, StaffUser},
    states::{AuditAction, SessionStage},
};

use super::{
    accounts::{self, Role},
    password, session, throttle,
};
use crate::{
    audit::Event,
    entities::staff_user,
    http::{
        api_error::ApiError,
        body,
        routes::{client_addr, client_ip, SigningIn},
    },
    state::AppState,
};

/// Sign-in bodies are small: anything larger is not a sign-in.
const MAX_LOGIN_BYTES: usize = 16 * 1024;
/// Password checks (argon2, tens of milliseconds of CPU each) at once per address.
const CHECKS_AT_ONCE: u32 = 3;

pub(super) fn session_answer(
    user: &staff_user::Model,
    role: Role,
    csrf: &str,
    stage: SessionStage,
) -> StaffSession {
    StaffSession {
        user: StaffUser {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role,
        },
        role,
        csrf_token: csrf.to_string(),
        stage,
        two_factor: user.has_two_factor(),
    }
}

/// `POST /api/v1/staff/login`.
#[utoipa::path(post, path = "/api/v1/staff/login", tag = "staff", request_body = Credentials,
    responses(
        (status = 200, description = "The password is right and the session cookie is set. \
            With `stage` `code` the two-factor code must follow (`POST /api/v1/staff/login/code`); \
            with `enrol`, two-factor sign-in must be set up first.", body = StaffSession,
            headers(("Set-Cookie" = String, description = "The session cookie."))),
        (status = 401, description = "Wrong e-mail or password (the same answer for both).", body = ErrorBody),
        (status = 403, description = "The right password for an account an administrator has disabled.", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins; see `Retry-After`.", body = ErrorBody,
            headers(("Retry-After" = u64))),
        (status = 500, description = "Something failed on the server.", body = ErrorBody),
    ))]
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
    let address =
        client_addr(&req).map_or_else(|| "unknown".to_string(), |a| state.limiter.address_key(a));
    let account = state.limiter.fingerprint("sign-in", &email);
    let who = throttle::Attempt {
        account: &account,
        address: &address,
    };
    // A few password checks at once per address; a flood waits its turn.
    let Some(_permit) = state
        .limiter
        .enter(&format!("sign-in:{address}"), CHECKS_AT_ONCE)
    else {
        return Err(ApiError::TooManyRequests(
            1,
            "Too many sign-ins at once from your network; please try again",
        ));
    };
    let attempt = throttle::record_attempt(&state.db, &who).await?;
    if let Some(wait) = throttle::wait_for(&state.db, &who, attempt).await? {
        throttle::forget_attempt(&state.db, attempt).await?;
        return Err(ApiError::TooManyRequests(
            wait,
            "Too many failed sign-ins; please wait and try again",
        ));
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
            // The attempt's row stays: it is the failure. What was typed for
            // an unknown account may be a password: only its keyed hash is kept.
            let event = Event::new(
                AuditAction::LoginFailed,
                user.as_ref().map(|u| u.id),
                Some(ip),
            );
            let event = match user {
                Some(_) => event,
                None => event.detail(format!("unknown account {}", &account[..16])),
            };
            event.record(&state.db).await?;
            return Err(ApiError::WrongCredentials);
        }
    };
    let role = Role::parse(&user.role).ok_or(ApiError::WrongCredentials)?;
    throttle::clear_pair(&state.db, &who).await?;
    if !user.is_active() {
        // Said only to someone who knows the password.
        return Err(ApiError::Forbidden(
            "This account is disabled. Ask an administrator of the clinic.",
        ));
    }
    // With two-factor on, the password only opens the door to the code.
    let stage = if user.has_two_factor() {
        SessionStage::Code
    } else if state.settings.require_2fa.applies_to(role) {
        SessionStage::Enrol
    } else {
        SessionStage::Ready
    };
    if stage != SessionStage::Code {
        accounts::set(
            &state.db,
            user.id,
            staff_user::Column::LastLoginAt,
            chrono::Utc::now(),
        )
        .await?;
    }
    // A sign-in always gets a new session id: a session planted before
    // sign-in is worth nothing afterwards.
    if let Ok(Some(old)) = session::resolve(&state.db, &state.settings, &req).await {
        session::end(&state.db, &old.session_sha256).await?;
    }
    let agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (token, csrf) = session::start(&state.db, &user, Some(ip.clone()), agent, stage).await?;
    if stage != SessionStage::Code {
        Event::new(AuditAction::Login, Some(user.id), Some(ip))
            .record(&state.db)
            .await?;
    }
    Ok(HttpResponse::Ok()
        .cookie(session::cookie(&state.settings, &token))
        .insert_header(("cache-control", "no-store"))
        .json(session_answer(&user, role, &csrf, stage)))
}

/// `POST /api/v1/staff/logout`: ends the session on the server too.
#[utoipa::path(post, path = "/api/v1/staff/logout", tag = "staff",
    responses((status = 204, description = "Signed out; the session ends on the server.",
        headers(("Set-Cookie" = String, description = "Removes the cookie.")))))]
pub async fn logout(
    req: HttpRequest,
    staff: SigningIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let SigningIn(who) = staff;
    session::end(&state.db, &who.session_sha256).await?;
    Event::new(AuditAction::Logout, Some(who.id), Some(client_ip(&req)))
        .record(&state.db)
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal_cookie(&state.settings))
        .finish())
}

/// `GET /api/v1/staff/me`.
#[utoipa::path(get, path = "/api/v1/staff/me", tag = "staff",
    responses((status = 200, description = "Who is signed in, and how far the sign-in has got.", body = StaffSession)))]
pub async fn me(staff: SigningIn) -> HttpResponse {
    let SigningIn(who) = staff;
    let answer = StaffSession {
        user: StaffUser {
            id: who.id,
            email: who.email,
            name: who.name,
            role: who.role,
        },
        role: who.role,
        csrf_token: who.csrf_token,
        stage: who.stage,
        two_factor: who.two_factor,
    };
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(answer)
}
