//! `GET /api/v1/staff/audit` (admin): the audit log, newest first, filtered.

use actix_web::{http::header, web, HttpResponse};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    entities::audit_log as entity,
    http::api_error::ApiError,
    staff::{accounts, audit::ACTIONS, routes::Admin},
    startup::AppState,
};

#[derive(Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    staff_id: Option<Uuid>,
    submission_id: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// Entries older than this id (the `next` of the previous page).
    before: Option<i64>,
    limit: Option<u64>,
}

pub async fn list(
    query: web::Query<AuditQuery>,
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut cond = Condition::all();
    if let Some(a) = query.action.as_deref().filter(|a| !a.is_empty()) {
        if !ACTIONS.contains(&a) {
            return Err(ApiError::BadRequest(format!(
                "`action` must be one of {}",
                ACTIONS.join(", ")
            )));
        }
        cond = cond.add(entity::Column::Action.eq(a));
    }
    if let Some(s) = query.staff_id {
        cond = cond.add(entity::Column::StaffId.eq(s));
    }
    if let Some(s) = query.submission_id {
        cond = cond.add(entity::Column::SubmissionId.eq(s));
    }
    if let Some(d) = query.from {
        cond =
            cond.add(entity::Column::At.gte(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()));
    }
    if let Some(d) = query.to.and_then(|d| d.succ_opt()) {
        cond = cond.add(entity::Column::At.lt(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()));
    }
    if let Some(b) = query.before {
        cond = cond.add(entity::Column::Id.lt(b));
    }
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let rows = entity::Entity::find()
        .filter(cond)
        .order_by_desc(entity::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    let names = accounts::names(&state.db).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items: Vec<_> = rows
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id, "at": r.at, "action": r.action, "staff_id": r.staff_id,
                "staff": r.staff_id.and_then(|s| names.get(&s).cloned()),
                "submission_id": r.submission_id, "invite_id": r.invite_id,
                "ip": r.ip, "detail": r.detail,
            })
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"items": items, "next": next})))
}
