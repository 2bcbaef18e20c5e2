//! Staff sessions: a random token in an HttpOnly, SameSite=Strict cookie;
//! the database keeps only its SHA-256, the CSRF token and the last activity.

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, SameSite},
    HttpRequest,
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel};

use super::accounts::Role;
use crate::{
    config::Settings,
    entities::{staff_session as entity, staff_user},
};
use stipple_app::domain::states::SessionStage;

/// Sessions also end this long after sign-in, however active.
const MAX_SESSION_HOURS: i64 = 12;
/// Last activity is written at most this often, not on every request.
const TOUCH_EVERY_SECS: i64 = 60;
/// After the password, the two-factor code must come within this long.
pub const CODE_WITHIN_MINUTES: i64 = 5;

pub use crate::http::routes::StaffIdentity;
pub use crate::secret::{random_token, sha256_hex};

/// `__Host-` binds the cookie to this exact origin, but browsers accept it
/// only with `Secure`, so plain-http local use takes the plain name.
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.insecure_cookies {
        "stipple_staff"
    } else {
        "__Host-stipple_staff"
    }
}

pub fn cookie(settings: &Settings, token: &str) -> Cookie<'static> {
    Cookie::build(cookie_name(settings), token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(!settings.insecure_cookies)
        .finish()
}

pub fn removal_cookie(settings: &Settings) -> Cookie<'static> {
    let mut c = cookie(settings, "");
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Starts a session for `user` at `stage`; returns the cookie token and
/// the CSRF token.
pub async fn start(
    db: &DatabaseConnection,
    user: &staff_user::Model,
    ip: Option<String>,
    user_agent: Option<String>,
    stage: SessionStage,
) -> Result<(String, String), sea_orm::DbErr> {
    let token = random_token();
    let csrf = random_token();
    let now = Utc::now();
    entity::Entity::insert(entity::ActiveModel {
        token_sha256: Set(sha256_hex(&token)),
        staff_id: Set(user.id),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|u| u.chars().take(256).collect())),
        stage: Set(stage.as_str().to_string()),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, csrf))
}

/// The session the request's cookie names, if it is still alive. An idle
/// or too-old session is deleted on sight.
pub async fn resolve(
    db: &DatabaseConnection,
    settings: &Settings,
    req: &HttpRequest,
) -> Result<Option<StaffIdentity>, sea_orm::DbErr> {
    let Some(cookie) = req.cookie(cookie_name(settings)) else {
        return Ok(None);
    };
    if cookie.value().is_empty() || cookie.value().len() > 100 {
        return Ok(None);
    }
    let key = sha256_hex(cookie.value());
    let Some((session, Some(user))) = entity::Entity::find_by_id(key.clone())
        .find_also_related(staff_user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle = Duration::minutes(i64::from(settings.staff_idle_minutes));
    // An unknown stage is treated as the least trusted one.
    let stage = SessionStage::parse(&session.stage).unwrap_or(SessionStage::Code);
    let code_late = stage == SessionStage::Code
        && now - session.created_at > Duration::minutes(CODE_WITHIN_MINUTES);
    if code_late
        || now - session.last_seen_at > idle
        || now - session.created_at > Duration::hours(MAX_SESSION_HOURS)
    {
        entity::Entity::delete_by_id(key).exec(db).await?;
        return Ok(None);
    }
    let Some(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    // Disabling ends sessions; this holds even for one started meanwhile.
    if !user.is_active() {
        entity::Entity::delete_by_id(key).exec(db).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::seconds(TOUCH_EVERY_SECS) {
        let mut active = session.clone().into_active_model();
        active.last_seen_at = Set(now);
        entity::Entity::update(active).exec(db).await?;
    }
    let two_factor = user.has_two_factor();
    Ok(Some(StaffIdentity {
        two_factor,
        id: user.id,
        email: user.email,
        name: user.name,
        role,
        csrf_token: session.csrf_token,
        session_sha256: key,
        stage,
    }))
}

/// Moves a session on to `stage` (the code was right, or two-factor sign-in
/// was set up).
pub async fn set_stage(
    db: &impl sea_orm::ConnectionTrait,
    session_sha256: &str,
    stage: SessionStage,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    entity::Entity::update_many()
        .col_expr(
            entity::Column::Stage,
            sea_orm::sea_query::Expr::value(stage.as_str()),
        )
        .filter(entity::Column::TokenSha256.eq(session_sha256))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a session server-side: its cookie is worthless from now on.
pub async fn end(db: &DatabaseConnection, session_sha256: &str) -> Result<(), sea_orm::DbErr> {
    entity::Entity::delete_by_id(session_sha256.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Every live session of `staff_id`, most recently used first.
pub async fn of_user(
    db: &DatabaseConnection,
    staff_id: uuid::Uuid,
) -> Result<Vec<entity::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    entity::Entity::find()
        .filter(entity::Column::StaffId.eq(staff_id))
        .order_by_desc(entity::Column::LastSeenAt)
        .all(db)
        .await
}

/// What a session is called in the API: a prefix of the hash it is stored
/// under, enough to tell one person's sessions apart and useless to sign in.
pub fn public_id(session_sha256: &str) -> String {
    session_sha256.chars().take(16).collect()
}

/// Ends every session of `staff_id` except `keep`.
pub async fn end_others(
    db: &DatabaseConnection,
    staff_id: uuid::Uuid,
    keep: &str,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let done = entity::Entity::delete_many()
        .filter(entity::Column::StaffId.eq(staff_id))
        .filter(entity::Column::TokenSha256.ne(keep))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Ends every session of `staff_id` (the account was disabled).
pub async fn end_all(db: &DatabaseConnection, staff_id: uuid::Uuid) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    entity::Entity::delete_many()
        .filter(entity::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(())
}
