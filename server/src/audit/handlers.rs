//! `GET /api/v1/staff/audit` (admin): the audit log, newest first, filtered.

use actix_web::{http::header, web, HttpResponse};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

use stipple_app::domain::{
    api::{AuditEntry, AuditPage, ErrorBody},
    states::AuditAction,
};

use crate::{
    entities::{audit_log as entity, staff_user},
    http::{api_error::ApiError, routes::Admin},
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    #[param(value_type = Option<AuditAction>)]
    action: Option<String>,
    staff_id: Option<Uuid>,
    submission_id: Option<Uuid>,
    /// On or after this day (UTC).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<NaiveDate>,
    /// On or before this day (UTC).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<NaiveDate>,
    /// Entries older than this id (the `next` of the previous page).
    before: Option<i64>,
    /// Rows, default 100; below 1 counts as 1, above 500 as 500.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/staff/audit", tag = "staff",
    params(AuditQuery),
    responses(
        (status = 200, description = "The audit log, newest first.", body = AuditPage),
        (status = 400, description = "A query parameter is not valid.", body = ErrorBody),
    ))]
pub async fn list(
    query: web::Query<AuditQuery>,
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut cond = Condition::all();
    if let Some(a) = query.action.as_deref() {
        let Some(action) = AuditAction::parse(a) else {
            let names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
            return Err(ApiError::BadRequest(format!(
                "`action` must be one of {}",
                names.join(", ")
            )));
        };
        cond = cond.add(entity::Column::Action.eq(action.as_str()));
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
    let limit = query.limit.map_or(100, u64::from).clamp(1, 500);
    let rows = entity::Entity::find()
        .filter(cond)
        .order_by_desc(entity::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    let names = staff_user::names(&state.db).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AuditEntry {
                action: r.audit_action()?,
                id: r.id,
                at: r.at,
                staff_id: r.staff_id,
                staff: r.staff_id.and_then(|s| names.get(&s).cloned()),
                submission_id: r.submission_id,
                invite_id: r.invite_id,
                ip: r.ip,
                detail: r.detail,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AuditPage { items, next }))
}
