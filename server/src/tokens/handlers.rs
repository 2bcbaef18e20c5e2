//! Administrators create, list and revoke API tokens.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::{TimeZone, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use stipple_app::domain::{
    api::{ApiToken, ApiTokenList, ErrorBody, NewApiToken},
    states::{ApiScope, AuditAction},
    vocab::{join, split},
    FieldErrors,
};
use uuid::Uuid;

use super::new_token;
use crate::{
    audit::Event,
    entities::api_token as entity,
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, Admin},
    },
    state::AppState,
};

fn shown(t: entity::Model) -> ApiToken {
    ApiToken {
        id: t.id,
        name: t.name,
        scopes: split(&t.scopes),
        prefix: t.prefix,
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
        secret: None,
    }
}

/// `GET /api/v1/staff/integrations/tokens` (admin).
#[utoipa::path(get, path = "/api/v1/staff/integrations/tokens", tag = "integrations",
    responses((status = 200, description = "Every token, revoked ones too, newest first.", body = ApiTokenList)))]
pub async fn list(_admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = entity::Entity::find()
        .order_by_desc(entity::Column::CreatedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(shown)
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiTokenList { items }))
}

/// `POST /api/v1/staff/integrations/tokens` (admin): the answer holds the
/// token, once.
#[utoipa::path(post, path = "/api/v1/staff/integrations/tokens", tag = "integrations",
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Created; `secret` is shown this once.", body = ApiToken),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: NewApiToken = body::json(&req, payload, 4 * 1024, || {
        format!(
            r#"{{"name": "Booking system", "scopes": ["invites:write"], "expires_on": null}}; scopes are {}"#,
            join(ApiScope::ALL).replace(',', ", ")
        )
    })
    .await?;
    let mut errors = FieldErrors::default();
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        errors.add("name", "Name the token (one line, at most 80 characters)");
    }
    let mut scopes = b.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        errors.add("scopes", "Choose at least one scope");
    }
    let tz = state.settings.timezone;
    let last_day = match b
        .expires_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                errors.add(
                    "expires_on",
                    "Give the last day as YYYY-MM-DD, or leave it empty",
                );
                None
            }
        },
    };
    // The token works through the whole of its last day, clinic time.
    let expires_at = last_day.and_then(|d| {
        tz.from_local_datetime(&d.succ_opt()?.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    });
    if let Some(d) = last_day {
        if expires_at.is_none_or(|t| t <= Utc::now()) {
            errors.add(
                "expires_on",
                format!("{d} has passed: choose a later day, or none"),
            );
        }
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    let (token, hash, prefix) = new_token();
    let txn = state.db.begin().await?;
    let row = entity::Entity::insert(entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.clone()),
        secret_sha256: Set(hash),
        prefix: Set(prefix),
        scopes: Set(join(&scopes)),
        created_by: Set(Some(admin.0.id)),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    Event::new(
        AuditAction::ApiTokenCreated,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("{name}: {}", join(&scopes)))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiToken {
            secret: Some(token),
            ..shown(row)
        }))
}

/// `DELETE /api/v1/staff/integrations/tokens/{id}` (admin): the token stops
/// working at once; it stays listed as revoked.
#[utoipa::path(delete, path = "/api/v1/staff/integrations/tokens/{id}", tag = "integrations",
    params(("id" = String, Path, description = "The token id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 404, description = "No such token, or revoked already.", body = ErrorBody),
    ))]
pub async fn revoke(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path).map_err(|_| ApiError::NotFound)?;
    let txn = state.db.begin().await?;
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::NotFound);
    }
    Event::new(
        AuditAction::ApiTokenRevoked,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(id.to_string())
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
