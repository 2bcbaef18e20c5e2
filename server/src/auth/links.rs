//! One-time account links, good for 24 hours: an administrator invites a
//! colleague, who chooses their own password by the link; or has a reset
//! link e-mailed to a colleague who forgot theirs. No administrator ever
//! sees or sets another person's password.
//!
//! The link carries its token after `#`, so browsers never send it to a
//! server (nor to its logs); the page posts it in a body.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use stipple_app::domain::{
    api::{
        ColleagueInvited, ErrorBody, LinkInfo, LinkPassword, LinkToken, NewColleague, ResetSent,
    },
    email_address,
    states::{AccountStatus, AuditAction, MailKind, MailStatus, StaffLinkPurpose},
    FieldErrors,
};
use uuid::Uuid;

use super::team::AccountPath;
use super::{accounts, password, session, team};
use crate::{
    audit::Event,
    entities::{staff_link as entity, staff_user},
    http::{
        api_error::ApiError,
        body,
        routes::{client_addr, client_ip, public_base, Admin},
    },
    limits::Class,
    mail::NewMail,
    secret::{random_token, sha256_hex},
    state::AppState,
};

const LINK_HOURS: i64 = 24;

/// Stores a new link for `user` (earlier unused ones stop working) and
/// returns its token.
async fn issue(
    db: &impl ConnectionTrait,
    user: Uuid,
    purpose: StaffLinkPurpose,
    by: Uuid,
) -> Result<(String, chrono::DateTime<Utc>), ApiError> {
    entity::Entity::delete_many()
        .filter(entity::Column::StaffId.eq(user))
        .filter(entity::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let token = random_token();
    let now = Utc::now();
    let expires_at = now + Duration::hours(LINK_HOURS);
    entity::Entity::insert(entity::ActiveModel {
        token_sha256: Set(sha256_hex(&token)),
        staff_id: Set(user),
        purpose: Set(purpose.as_str().to_string()),
        created_by: Set(Some(by)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, expires_at))
}

/// The mail that carries a link to the colleague it is for.
fn link_mail(
    user: &staff_user::Model,
    purpose: StaffLinkPurpose,
    link: &str,
    clinic: &str,
) -> NewMail {
    let (subject, why) = match purpose {
        StaffLinkPurpose::Join => (
            format!("You are invited to the {clinic} team on Stipple"),
            "An administrator has invited you to the clinic's records. Choose your password here:",
        ),
        StaffLinkPurpose::Reset => (
            format!("Choose a new password for {clinic}"),
            "An administrator has asked for a new password for your account. Choose it here:",
        ),
    };
    NewMail {
        invite_id: None,
        submission_id: None,
        kind: MailKind::StaffAccess,
        to_address: user.email.clone(),
        to_name: user.name.clone(),
        subject,
        body_text: format!(
            "Hello {name},\n\n{why}\n{link}\n\nThe link works once, for {LINK_HOURS} hours. \
             If you did not expect this, ignore it and tell the clinic.\n",
            name = user.name.chars().take(60).collect::<String>(),
        ),
        attach_consent_pdf: false,
        status: MailStatus::Queued,
    }
}

/// `POST /api/v1/staff/users`: a new colleague's account, without a
/// password until they choose one by the link.
#[utoipa::path(post, path = "/api/v1/staff/users", tag = "staff", request_body = NewColleague,
    responses(
        (status = 201, description = "Invited: the link is e-mailed to them and shown here once.",
            body = ColleagueInvited),
        (status = 422, description = "Fields to correct (also: the e-mail has an account).", body = ErrorBody),
    ))]
pub async fn invite(
    req: HttpRequest,
    payload: web::Payload,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 4 * 1024).await?;
    let new: NewColleague = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::BadRequest(
            r#"Send JSON like {"email": "…", "name": "…", "role": "staff"}"#.into(),
        )
    })?;
    let email = accounts::normalise_email(&new.email);
    let name = new.name.trim().to_string();
    let mut errors = FieldErrors::default();
    if let Err(e) = email_address(&email) {
        errors.add(
            "email",
            e.message.map(|m| m.to_string()).unwrap_or_default(),
        );
    } else if accounts::find_by_email(&state.db, &email).await?.is_some() {
        errors.add(
            "email",
            "Someone on the team already has this e-mail address",
        );
    }
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        errors.add(
            "name",
            "Enter their name (one line, at most 120 characters)",
        );
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    let txn = state.db.begin().await?;
    let user = staff_user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email),
        name: Set(name),
        role: Set(new.role.as_str().to_string()),
        password_hash: Set(String::new()),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        last_login_at: Set(None),
        totp_secret: Set(None),
        totp_pending: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
    };
    let user = staff_user::Entity::insert(user)
        .exec_with_returning(&txn)
        .await?;
    let (token, expires_at) = issue(&txn, user.id, StaffLinkPurpose::Join, admin.0.id).await?;
    let link = format!("{}/staff/join#{token}", public_base(&req, &state));
    let clinic = state.templates.current().clinic_name.clone();
    link_mail(&user, StaffLinkPurpose::Join, &link, &clinic)
        .enqueue(&txn, &state.vault)
        .await?;
    Event::new(
        AuditAction::StaffInvited,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("{} as {}", user.email, user.role))
    .record(&txn)
    .await?;
    txn.commit().await?;
    state.mail.wake();
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ColleagueInvited {
            member: team::member(user)?,
            link,
            expires_at,
        }))
}

/// `POST /api/v1/staff/users/{id}/password-reset`: a one-time link is
/// e-mailed to the colleague (to an invited one, a fresh invitation).
#[utoipa::path(post, path = "/api/v1/staff/users/{id}/password-reset", tag = "staff",
    params(AccountPath),
    responses(
        (status = 202, description = "The link is on its way to them; it is not shown here.", body = ResetSent),
        (status = 404, description = "No such account.", body = ErrorBody),
        (status = 409, description = "The account is disabled.", body = ErrorBody),
    ))]
pub async fn reset(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path).map_err(|_| ApiError::NotFound)?;
    let user = accounts::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let purpose = match user.status() {
        AccountStatus::Disabled => {
            return Err(ApiError::Conflict(
                "The account is disabled: enable it first",
            ))
        }
        AccountStatus::Invited => StaffLinkPurpose::Join,
        AccountStatus::Active => StaffLinkPurpose::Reset,
    };
    let txn = state.db.begin().await?;
    let (token, expires_at) = issue(&txn, user.id, purpose, admin.0.id).await?;
    let link = format!("{}/staff/join#{token}", public_base(&req, &state));
    let clinic = state.templates.current().clinic_name.clone();
    link_mail(&user, purpose, &link, &clinic)
        .enqueue(&txn, &state.vault)
        .await?;
    Event::new(
        AuditAction::PasswordResetIssued,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(user.email.clone())
    .record(&txn)
    .await?;
    txn.commit().await?;
    state.mail.wake();
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ResetSent {
            emailed_to: user.email,
            expires_at,
        }))
}

const LINK_DONE: &str =
    "This link has expired or was used already: ask an administrator of the clinic for a new one";

/// The live link a token names, with its account.
async fn live(
    state: &AppState,
    token: &str,
) -> Result<(entity::Model, staff_user::Model, StaffLinkPurpose), ApiError> {
    if token.is_empty() || token.len() > 100 {
        return Err(ApiError::Gone(LINK_DONE.into()));
    }
    let row = entity::Entity::find_by_id(sha256_hex(token))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::Gone(LINK_DONE.into()))?;
    if row.used_at.is_some() || row.expires_at <= Utc::now() {
        return Err(ApiError::Gone(LINK_DONE.into()));
    }
    let user = accounts::find(&state.db, row.staff_id)
        .await?
        .ok_or_else(|| ApiError::Gone(LINK_DONE.into()))?;
    let purpose =
        StaffLinkPurpose::parse(&row.purpose).ok_or_else(|| ApiError::Gone(LINK_DONE.into()))?;
    if user.disabled_at.is_some() {
        return Err(ApiError::Gone(LINK_DONE.into()));
    }
    Ok((row, user, purpose))
}

/// `POST /api/v1/staff/link`: whose link this is and what it is for.
#[utoipa::path(post, path = "/api/v1/staff/link", tag = "staff", request_body = LinkToken,
    responses(
        (status = 200, description = "The link is good.", body = LinkInfo),
        (status = 410, description = "Expired, used or unknown.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address.", body = ErrorBody),
    ))]
pub async fn info(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.admit(client_addr(&req), Class::Read).await?;
    let bytes = body::read_json(&req, payload, 4 * 1024).await?;
    let t: LinkToken = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::BadRequest("Send {\"token\": \"…\"} as JSON".into()))?;
    let (row, user, purpose) = live(&state, &t.token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(LinkInfo {
            purpose,
            email: user.email,
            name: user.name,
            expires_at: row.expires_at,
        }))
}

/// `POST /api/v1/staff/link/password`: the colleague's own new password;
/// the link is used up and every session of the account ends.
#[utoipa::path(post, path = "/api/v1/staff/link/password", tag = "staff", request_body = LinkPassword,
    responses(
        (status = 204, description = "The password is set: sign in with it."),
        (status = 410, description = "Expired, used or unknown.", body = ErrorBody),
        (status = 422, description = "The password is too short or too easy to guess.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address.", body = ErrorBody),
    ))]
pub async fn set_password(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.admit(client_addr(&req), Class::Read).await?;
    let bytes = body::read_json(&req, payload, 16 * 1024).await?;
    let body: LinkPassword = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::BadRequest("Send {\"token\": …, \"new_password\": …} as JSON".into())
    })?;
    let (row, user, purpose) = live(&state, &body.token).await?;
    let new = password::NewPassword::parse(&body.new_password).map_err(|why| {
        let mut errors = FieldErrors::default();
        errors.add("new_password", why);
        ApiError::Invalid(errors)
    })?;
    let hash = tokio::task::spawn_blocking(move || new.hash())
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    let txn = state.db.begin().await?;
    // Used once: of two requests racing with one link, one wins.
    let taken = entity::Entity::update_many()
        .col_expr(entity::Column::UsedAt, Expr::value(Utc::now()))
        .filter(entity::Column::TokenSha256.eq(row.token_sha256.clone()))
        .filter(entity::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(ApiError::Gone(LINK_DONE.into()));
    }
    accounts::set_password_hash(&txn, user.id, hash).await?;
    Event::new(
        match purpose {
            StaffLinkPurpose::Join => AuditAction::StaffJoined,
            StaffLinkPurpose::Reset => AuditAction::PasswordReset,
        },
        Some(user.id),
        Some(client_ip(&req)),
    )
    .record(&txn)
    .await?;
    txn.commit().await?;
    session::end_all(&state.db, user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
