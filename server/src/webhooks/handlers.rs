//! Administrators register webhook endpoints, read each one's delivery
//! log, resend a message and enable an endpoint the sender disabled.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use stipple_app::domain::{
    api::{
        ErrorBody, NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryList, WebhookEndpoint,
        WebhookEndpointList,
    },
    states::{AuditAction, DeliveryStatus, WebhookEvent},
    vocab::{join, split},
    FieldErrors,
};
use uuid::Uuid;

use super::{message_id, new_secret, outbound};
use crate::{
    audit::Event,
    entities::{webhook_delivery as delivery, webhook_endpoint as entity},
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, no_store, path_id, Admin},
    },
    state::AppState,
    vault::at,
};

async fn shown(state: &AppState, e: entity::Model) -> Result<WebhookEndpoint, ApiError> {
    let pending = delivery::Entity::find()
        .filter(delivery::Column::EndpointId.eq(e.id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .count(&state.db)
        .await?;
    Ok(WebhookEndpoint {
        id: e.id,
        url: e.url,
        description: e.description,
        events: split(&e.events),
        created_at: e.created_at,
        disabled_at: e.disabled_at,
        disabled_reason: e.disabled_reason,
        failing_since: e.failing_since,
        pending,
        secret: None,
    })
}

/// `GET /api/v1/staff/integrations/webhooks` (admin).
#[utoipa::path(get, path = "/api/v1/staff/integrations/webhooks", tag = "integrations",
    responses((status = 200, description = "Every endpoint, with its state.", body = WebhookEndpointList)))]
pub async fn list(_admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = entity::Entity::find()
        .order_by_asc(entity::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for e in rows {
        items.push(shown(&state, e).await?);
    }
    Ok(no_store(WebhookEndpointList { items }))
}

/// `POST /api/v1/staff/integrations/webhooks` (admin): the answer holds
/// the signing secret, once.
#[utoipa::path(post, path = "/api/v1/staff/integrations/webhooks", tag = "integrations",
    request_body = NewWebhookEndpoint,
    responses(
        (status = 201, description = "Registered; `secret` is shown this once.", body = WebhookEndpoint),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: NewWebhookEndpoint = body::json(&req, payload, 8 * 1024, || {
        format!(
            r#"{{"url": "https://…", "description": "…", "events": ["submission.created"]}}; events are {}"#,
            join(WebhookEvent::ALL).replace(',', ", ")
        )
    })
    .await?;
    let mut errors = FieldErrors::default();
    let url =
        match outbound::check_url(&b.url, outbound::Reach::from(&state.settings.webhooks)).await {
            Ok(u) => Some(u),
            Err(why) => {
                errors.add("url", why);
                None
            }
        };
    let description = b.description.trim().to_string();
    if description.chars().count() > 200 || description.chars().any(char::is_control) {
        errors.add("description", "One line, at most 200 characters");
    }
    let mut events = b.events.clone();
    events.sort();
    events.dedup();
    if events.is_empty() {
        errors.add("events", "Choose at least one event");
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    let id = Uuid::new_v4();
    let secret = new_secret();
    let txn = state.db.begin().await?;
    let row = entity::Entity::insert(entity::ActiveModel {
        id: Set(id),
        url: Set(url.expect("checked above").to_string()),
        description: Set(description),
        events: Set(join(&events)),
        secret: Set(state.vault.seal_text(at::webhook_secret(id), &secret)),
        created_by: Set(Some(admin.0.id)),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    Event::new(
        AuditAction::WebhookChanged,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("added {}", row.url))
    .record(&txn)
    .await?;
    txn.commit().await?;
    let mut out = shown(&state, row).await?;
    out.secret = Some(secret);
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(out))
}

/// `DELETE /api/v1/staff/integrations/webhooks/{id}` (admin): the endpoint
/// and its queue go; nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/staff/integrations/webhooks/{id}", tag = "integrations",
    params(("id" = String, Path, description = "The endpoint id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such endpoint.", body = ErrorBody),
    ))]
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let txn = state.db.begin().await?;
    // A write first, so on SQLite it waits for the sender instead of failing.
    entity::Entity::update_many()
        .col_expr(entity::Column::Url, Expr::col(entity::Column::Url))
        .filter(entity::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let row = entity::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    delivery::Entity::delete_many()
        .filter(delivery::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    entity::Entity::delete_by_id(id).exec(&txn).await?;
    Event::new(
        AuditAction::WebhookChanged,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("removed {}", row.url))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/staff/integrations/webhooks/{id}/enable` (admin): sends
/// again to an endpoint the sender disabled; what waited is sent now.
#[utoipa::path(post, path = "/api/v1/staff/integrations/webhooks/{id}/enable", tag = "integrations",
    params(("id" = String, Path, description = "The endpoint id.")),
    responses(
        (status = 200, description = "Enabled.", body = WebhookEndpoint),
        (status = 404, description = "No such endpoint.", body = ErrorBody),
    ))]
pub async fn enable(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let txn = state.db.begin().await?;
    let done = entity::Entity::update_many()
        .col_expr(
            entity::Column::DisabledAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            entity::Column::DisabledReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            entity::Column::FailingSince,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(entity::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::NotFound);
    }
    // What waited while it was disabled goes out now.
    delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::EndpointId.eq(id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    Event::new(
        AuditAction::WebhookChanged,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail("enabled an endpoint")
    .record(&txn)
    .await?;
    txn.commit().await?;
    state.webhooks.notify_one();
    let row = entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(no_store(shown(&state, row).await?))
}

fn delivery_shown(d: delivery::Model) -> Option<WebhookDelivery> {
    let status = DeliveryStatus::parse(&d.status)?;
    Some(WebhookDelivery {
        id: message_id(d.id),
        event: WebhookEvent::parse(&d.event)?,
        status,
        attempts: d.attempts,
        created_at: d.created_at,
        last_attempt_at: d.last_attempt_at,
        last_status_code: d.last_status_code,
        last_error: d.last_error,
        next_attempt_at: (status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
    })
}

/// `GET /api/v1/staff/integrations/webhooks/{id}/deliveries` (admin): the
/// 100 newest messages with how their last attempt went.
#[utoipa::path(get, path = "/api/v1/staff/integrations/webhooks/{id}/deliveries", tag = "integrations",
    params(("id" = String, Path, description = "The endpoint id.")),
    responses(
        (status = 200, description = "Newest first.", body = WebhookDeliveryList),
        (status = 404, description = "No such endpoint.", body = ErrorBody),
    ))]
pub async fn deliveries(
    path: web::Path<String>,
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = delivery::Entity::find()
        .filter(delivery::Column::EndpointId.eq(id))
        .order_by_desc(delivery::Column::CreatedAt)
        .limit(100)
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(delivery_shown)
        .collect();
    Ok(no_store(WebhookDeliveryList { items }))
}

/// `POST …/webhooks/{id}/deliveries/{delivery}/resend` (admin): the same
/// message (same `webhook-id`) is queued again at once.
#[utoipa::path(post, path = "/api/v1/staff/integrations/webhooks/{id}/deliveries/{delivery}/resend", tag = "integrations",
    params(
        ("id" = String, Path, description = "The endpoint id."),
        ("delivery" = String, Path, description = "The message id (`msg_…`)."),
    ),
    responses(
        (status = 202, description = "Queued again.", body = WebhookDelivery),
        (status = 404, description = "No such message.", body = ErrorBody),
    ))]
pub async fn resend(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint, msg) = path.into_inner();
    let endpoint = path_id(&endpoint)?;
    let id = msg
        .strip_prefix("msg_")
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or(ApiError::NotFound)?;
    let txn = state.db.begin().await?;
    let done = delivery::Entity::update_many()
        .col_expr(
            delivery::Column::Status,
            Expr::value(DeliveryStatus::Pending.as_str()),
        )
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::EndpointId.eq(endpoint))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::NotFound);
    }
    Event::new(
        AuditAction::WebhookChanged,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("resent {msg}"))
    .record(&txn)
    .await?;
    txn.commit().await?;
    state.webhooks.notify_one();
    let row = delivery::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(delivery_shown(row)))
}
