//! The clinic's team, run by its administrators: who has an account, their
//! role, and disabling a leaver (their sessions end at once). The clinic
//! always keeps one active administrator.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use stipple_app::domain::{
    api::{ErrorBody, RoleChange, Team, TeamMember},
    states::{AuditAction, Role},
};
use uuid::Uuid;

use super::{accounts, session, two_factor};
use crate::{
    audit::Event,
    entities::staff_user::{Column, Model},
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, Admin},
    },
    state::AppState,
};

pub(super) fn member(u: Model) -> Result<TeamMember, ApiError> {
    Ok(TeamMember {
        role: Role::parse(&u.role)
            .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("unknown role `{}`", u.role)))?,
        status: u.status(),
        two_factor: u.has_two_factor(),
        id: u.id,
        email: u.email,
        name: u.name,
        last_login_at: u.last_login_at,
    })
}

/// The `{id}` of an account's path, described once for the document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
// Describes the path only: the handler reads the raw segment itself.
#[allow(dead_code)]
pub struct AccountPath {
    /// The account's id.
    id: String,
}

/// `GET /api/v1/staff/users`: every account, by name.
#[utoipa::path(get, path = "/api/v1/staff/users", tag = "staff",
    responses((status = 200, description = "Every staff account with role, status and last sign-in.", body = Team)))]

pub async fn list(_admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = accounts::all(&state.db)
        .await?
        .into_iter()
        .map(member)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Team { items }))
}

/// The account at `id` and whether it is the only active administrator.
async fn target(state: &AppState, id: &str) -> Result<(Model, bool), ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::NotFound)?;
    let everyone = accounts::all(&state.db).await?;
    let active_admins = everyone
        .iter()
        .filter(|u| u.is_active() && u.role == Role::Admin.as_str())
        .count();
    let user = everyone
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(ApiError::NotFound)?;
    let last_admin = user.is_active() && user.role == Role::Admin.as_str() && active_admins == 1;
    Ok((user, last_admin))
}

const LAST_ADMIN: &str =
    "The clinic must keep one active administrator: make someone else an administrator first";

/// `POST /api/v1/staff/users/{id}/disable`: the account can no longer sign
/// in and its sessions end now; its history stays.
#[utoipa::path(post, path = "/api/v1/staff/users/{id}/disable", tag = "staff",
    params(AccountPath),
    responses(
        (status = 204, description = "Disabled; every session of the account has ended."),
        (status = 404, description = "No such account.", body = ErrorBody),
        (status = 409, description = "The last active administrator, or yourself.", body = ErrorBody),
    ))]
pub async fn disable(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (user, last_admin) = target(&state, &path).await?;
    if last_admin {
        return Err(ApiError::Conflict(LAST_ADMIN));
    }
    if user.id == admin.0.id {
        return Err(ApiError::Conflict(
            "You cannot disable your own account: ask another administrator",
        ));
    }
    if user.is_active() {
        accounts::set(&state.db, user.id, Column::DisabledAt, Utc::now()).await?;
        session::end_all(&state.db, user.id).await?;
        Event::new(
            AuditAction::AccountDisabled,
            Some(admin.0.id),
            Some(client_ip(&req)),
        )
        .detail(user.email)
        .record(&state.db)
        .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/staff/users/{id}/enable`: a disabled account may sign in again.
#[utoipa::path(post, path = "/api/v1/staff/users/{id}/enable", tag = "staff",
    params(AccountPath),
    responses(
        (status = 204, description = "The account may sign in again."),
        (status = 404, description = "No such account.", body = ErrorBody),
    ))]
pub async fn enable(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (user, _) = target(&state, &path).await?;
    if !user.is_active() {
        accounts::set(
            &state.db,
            user.id,
            Column::DisabledAt,
            None::<chrono::DateTime<Utc>>,
        )
        .await?;
        Event::new(
            AuditAction::AccountEnabled,
            Some(admin.0.id),
            Some(client_ip(&req)),
        )
        .detail(user.email)
        .record(&state.db)
        .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/staff/users/{id}/role`: staff or administrator.
#[utoipa::path(post, path = "/api/v1/staff/users/{id}/role", tag = "staff", request_body = RoleChange,
    params(AccountPath),
    responses(
        (status = 204, description = "The role is changed; it applies to the next request."),
        (status = 404, description = "No such account.", body = ErrorBody),
        (status = 409, description = "It would leave the clinic without an active administrator.", body = ErrorBody),
    ))]
pub async fn change_role(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 4 * 1024).await?;
    let change: RoleChange = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::BadRequest("Send {\"role\": \"staff\"} or {\"role\": \"admin\"} as JSON".into())
    })?;
    let (user, last_admin) = target(&state, &path).await?;
    if last_admin && change.role != Role::Admin {
        return Err(ApiError::Conflict(LAST_ADMIN));
    }
    if user.role != change.role.as_str() {
        accounts::set(&state.db, user.id, Column::Role, change.role.as_str()).await?;
        Event::new(
            AuditAction::RoleChanged,
            Some(admin.0.id),
            Some(client_ip(&req)),
        )
        .detail(format!(
            "{}: {} → {}",
            user.email,
            user.role,
            change.role.as_str()
        ))
        .record(&state.db)
        .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/staff/users/{id}/two-factor/reset`: for a colleague who
/// lost their phone and their recovery codes. Their sessions end; they set
/// two-factor up again (at once, where it is required).
#[utoipa::path(post, path = "/api/v1/staff/users/{id}/two-factor/reset", tag = "staff",
    params(AccountPath),
    responses(
        (status = 204, description = "Two-factor sign-in is off for them and their sessions have ended."),
        (status = 404, description = "No such account.", body = ErrorBody),
        (status = 409, description = "Your own: another administrator must reset it.", body = ErrorBody),
    ))]
pub async fn reset_two_factor(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (user, _) = target(&state, &path).await?;
    // Whoever holds this session must not be able to drop its second factor.
    if user.id == admin.0.id {
        return Err(ApiError::Conflict(
            "You cannot reset your own two-factor sign-in: ask another administrator",
        ));
    }
    two_factor::remove(&state.db, user.id).await?;
    session::end_all(&state.db, user.id).await?;
    Event::new(
        AuditAction::TwoFactorReset,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(user.email)
    .record(&state.db)
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
