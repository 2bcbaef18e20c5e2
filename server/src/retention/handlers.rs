//! The administrators' view of the retention policy.

use actix_web::{http::header, web, HttpResponse};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use stipple_app::domain::{api::RetentionReport, states::AuditAction};

use crate::{
    entities::audit_log,
    http::{api_error::ApiError, routes::Admin},
    state::AppState,
};

/// What the report looks ahead.
pub const HORIZON_DAYS: u32 = 30;

/// `GET /api/v1/staff/retention` (admin): the policy in force and what it
/// purges in the next 30 days.
#[utoipa::path(get, path = "/api/v1/staff/retention", tag = "staff",
    responses((status = 200, description = "The policy, and what falls due within 30 days (overdue records too).", body = RetentionReport)))]
pub async fn report(_admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let policy = state.settings.retention;
    let by = Utc::now() + Duration::days(i64::from(HORIZON_DAYS));
    let due = super::schedule(&state.db, &policy, by).await?;
    let last_run = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(AuditAction::RetentionPurge.as_str()))
        .order_by_desc(audit_log::Column::Id)
        .one(&state.db)
        .await?
        .map(|e| e.at);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(RetentionReport {
            policy,
            horizon_days: HORIZON_DAYS,
            submissions: due.submissions,
            groups: due.groups,
            last_run,
        }))
}
