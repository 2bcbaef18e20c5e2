//! Treatment courses: the plan, the status, and the rule that a course
//! starts only once the client's latest intake is cleared for treatment.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use stipple_app::domain::{
    api::{Course, CourseStatusChange, ErrorBody, NewCourse, SessionSummary},
    course::{check_course, check_text},
    states::{AuditAction, CourseStatus, ReviewStatus},
    vocab, FieldErrors,
};
use uuid::Uuid;

use super::clients::{find_client, submissions_of, Names};
use crate::{
    audit::Event,
    entities::{course, treatment_session},
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, no_store, path_id, Staff},
    },
    state::AppState,
    vault::at,
};

const MAX_REASON: usize = 1000;

/// A course as staff read it, its sessions in order.
pub async fn course_view(
    state: &AppState,
    co: &course::Model,
    names: &Names,
) -> Result<Course, ApiError> {
    let sessions = treatment_session::Entity::find()
        .filter(treatment_session::Column::CourseId.eq(co.id))
        .order_by_asc(treatment_session::Column::Number)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| SessionSummary {
            id: s.id,
            number: s.number as u16,
            performed_on: s.performed_on,
            practitioner: s.practitioner_id.and_then(|p| names.get(&p).cloned()),
            signed_off_at: s.signed_off_at,
        })
        .collect();
    Ok(Course {
        id: co.id,
        client_id: co.client_id,
        planned_sessions: co.planned_sessions as u8,
        areas: vocab::split(&co.areas),
        notes: state.vault.open_text(at::course_notes(co.id), &co.notes)?,
        status: course_status(co)?,
        stop_reason: co
            .stop_reason
            .as_deref()
            .map(|r| state.vault.open_text(at::stop_reason(co.id), r))
            .transpose()?,
        created_at: co.created_at,
        sessions,
    })
}

pub fn course_status(co: &course::Model) -> Result<CourseStatus, ApiError> {
    CourseStatus::parse(&co.status).ok_or_else(|| {
        ApiError::Unexpected(anyhow::anyhow!("unknown course status `{}`", co.status))
    })
}

pub async fn find_course(state: &AppState, raw: &str) -> Result<course::Model, ApiError> {
    course::Entity::find_by_id(path_id(raw)?)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `POST /api/v1/staff/clients/{id}/courses`.
#[utoipa::path(post, path = "/api/v1/staff/clients/{id}/courses", tag = "courses",
    params(("id" = String, Path, description = "The client id")),
    request_body = NewCourse,
    responses(
        (status = 201, description = "Planned.", body = Course),
        (status = 404, description = "No such client.", body = ErrorBody),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn create(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: NewCourse = body::json(&req, payload, 64 * 1024, || {
        r#"{"planned_sessions": 3, "areas": ["crown"], "notes": "…"}"#.into()
    })
    .await?;
    let c = find_client(&state.db, &path).await?;
    check_course(&b).into_result().map_err(ApiError::Invalid)?;
    let id = Uuid::new_v4();
    let row = course::ActiveModel {
        id: Set(id),
        client_id: Set(c.id),
        planned_sessions: Set(i16::from(b.planned_sessions)),
        areas: Set(vocab::join(&b.areas)),
        notes: Set(state.vault.seal_text(at::course_notes(id), b.notes.trim())),
        status: Set(CourseStatus::Planned.as_str().into()),
        stop_reason: Set(None),
        created_at: Set(Utc::now()),
        created_by: Set(Some(staff.0.id)),
    };
    course::Entity::insert(row)
        .exec_without_returning(&state.db)
        .await?;
    Event::new(
        AuditAction::CourseChanged,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("course {id} planned for client {}", c.id))
    .record(&state.db)
    .await?;
    let co = find_course(&state, &id.to_string()).await?;
    let names = crate::entities::staff_user::names(&state.db).await?;
    Ok(HttpResponse::Created().json(course_view(&state, &co, &names).await?))
}

/// `POST /api/v1/staff/courses/{id}/status`.
#[utoipa::path(post, path = "/api/v1/staff/courses/{id}/status", tag = "courses",
    params(("id" = String, Path, description = "The course id")),
    request_body = CourseStatusChange,
    responses(
        (status = 200, description = "Moved.", body = Course),
        (status = 404, description = "No such course.", body = ErrorBody),
        (status = 409, description = "Not a move allowed from the current status, or the client's latest intake is not cleared for treatment.", body = ErrorBody),
        (status = 422, description = "A stop without a reason.", body = ErrorBody),
    ))]
pub async fn set_status(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: CourseStatusChange = body::json(&req, payload, 16 * 1024, || {
        r#"{"status": "stopped", "reason": "…"}"#.into()
    })
    .await?;
    let co = find_course(&state, &path).await?;
    let from = course_status(&co)?;
    if !from.may_move(b.status) {
        return Err(ApiError::ConflictMessage(format!(
            "A course that is {} cannot move to {}",
            from.label().to_lowercase(),
            b.status.label().to_lowercase()
        )));
    }
    let reason = b.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let mut e = FieldErrors::default();
    if b.status == CourseStatus::Stopped {
        match reason {
            None => e.add("reason", "Say why the course stops"),
            Some(r) => check_text(&mut e, "reason", r, MAX_REASON),
        }
    }
    e.into_result().map_err(ApiError::Invalid)?;
    if b.status == CourseStatus::InProgress {
        // The review queue's clearance applies to the course: treatment
        // goes ahead only on a cleared, current health record.
        let subs = submissions_of(&state.db, co.client_id).await?;
        if subs.last().and_then(|s| s.review_status().ok()) != Some(ReviewStatus::Cleared) {
            return Err(ApiError::Conflict(
                "The client's latest intake is not cleared for treatment: clear it in the review queue first",
            ));
        }
    }
    let mut update = course::Entity::update_many()
        .col_expr(course::Column::Status, Expr::value(b.status.as_str()))
        .filter(course::Column::Id.eq(co.id))
        .filter(course::Column::Status.eq(from.as_str()));
    if b.status == CourseStatus::Stopped {
        let sealed = state
            .vault
            .seal_text(at::stop_reason(co.id), reason.unwrap_or_default());
        update = update.col_expr(course::Column::StopReason, Expr::value(sealed));
    } else {
        update = update.col_expr(
            course::Column::StopReason,
            Expr::value(Option::<String>::None),
        );
    }
    if update.exec(&state.db).await?.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "A colleague changed this course meanwhile: reload it",
        ));
    }
    Event::new(
        AuditAction::CourseChanged,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "course {}: {} → {}",
        co.id,
        from.as_str(),
        b.status.as_str()
    ))
    .record(&state.db)
    .await?;
    let co = find_course(&state, &co.id.to_string()).await?;
    let names = crate::entities::staff_user::names(&state.db).await?;
    Ok(no_store(course_view(&state, &co, &names).await?))
}
