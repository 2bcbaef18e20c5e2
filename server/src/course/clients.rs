//! Client records: suggesting the client a new intake may belong to,
//! linking it when staff confirm, the client's record with its timeline,
//! and erasing a client with everything of theirs.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use stipple_app::domain::{
    api::{
        ClientMatch, ClientRecord, ClientSummary, ErrorBody, LinkClient, QueueItem,
        SubmissionClient, TimelineEntry,
    },
    states::{AuditAction, MatchReason, PhotoKind},
    FieldErrors,
};
use uuid::Uuid;

use super::{courses::course_view, sessions::photo_meta};
use crate::{
    audit::Event,
    entities::{
        audit_log, client, course, mail_message, session_addendum, session_photo, session_pigment,
        submission, treatment_session,
    },
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, no_store, path_id, Admin, Staff},
    },
    intake::service,
    review::queue,
    state::AppState,
};

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

pub fn summary(c: &client::Model) -> ClientSummary {
    ClientSummary {
        id: c.id,
        full_name: c.full_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        date_of_birth: c.date_of_birth,
    }
}

/// Clients who may be the person behind `s`: the same e-mail address, or
/// the same phone number and date of birth. Names alone never match.
async fn matches_for(
    db: &DatabaseConnection,
    s: &submission::Model,
) -> Result<Vec<ClientMatch>, DbErr> {
    let mut found: Vec<ClientMatch> = Vec::new();
    let mut add = |c: &client::Model, why: MatchReason| match found
        .iter_mut()
        .find(|m| m.client.id == c.id)
    {
        Some(m) => m.reasons.push(why),
        None => found.push(ClientMatch {
            client: summary(c),
            reasons: vec![why],
        }),
    };
    if let Some(email) = s.client_email.as_deref().filter(|e| !e.is_empty()) {
        for c in client::Entity::find()
            .filter(client::Column::Email.eq(email.to_lowercase()))
            .all(db)
            .await?
        {
            add(&c, MatchReason::SameEmail);
        }
    }
    let phone = s.client_phone.as_deref().map(digits).unwrap_or_default();
    if phone.len() >= 6 {
        for c in client::Entity::find()
            .filter(client::Column::DateOfBirth.eq(s.date_of_birth))
            .filter(client::Column::Phone.is_not_null())
            .all(db)
            .await?
        {
            if c.phone.as_deref().map(digits).as_deref() == Some(phone.as_str()) {
                add(&c, MatchReason::SamePhoneAndBirth);
            }
        }
    }
    Ok(found)
}

async fn find_submission(
    db: &DatabaseConnection,
    raw: &str,
) -> Result<submission::Model, ApiError> {
    service::find(db, path_id(raw)?)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/staff/submissions/{id}/client`.
#[utoipa::path(get, path = "/api/v1/staff/submissions/{id}/client", tag = "courses",
    params(("id" = String, Path, description = "The submission id")),
    responses(
        (status = 200, description = "The linked client, or the clients this intake may belong to.", body = SubmissionClient),
        (status = 404, description = "No such submission.", body = ErrorBody),
    ))]
pub async fn suggestions(
    path: web::Path<String>,
    _staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let s = find_submission(&state.db, &path).await?;
    let linked = match s.client_id {
        Some(id) => client::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|c| summary(&c)),
        None => None,
    };
    let matches = if linked.is_some() {
        Vec::new()
    } else {
        matches_for(&state.db, &s).await?
    };
    Ok(no_store(SubmissionClient { linked, matches }))
}

/// `POST /api/v1/staff/submissions/{id}/client`: links the intake to a
/// suggested client, or starts a new client record from it.
#[utoipa::path(post, path = "/api/v1/staff/submissions/{id}/client", tag = "courses",
    params(("id" = String, Path, description = "The submission id")),
    request_body = LinkClient,
    responses(
        (status = 200, description = "Linked.", body = ClientSummary),
        (status = 404, description = "No such submission.", body = ErrorBody),
        (status = 409, description = "The intake already belongs to a client.", body = ErrorBody),
        (status = 422, description = "The client is not a match for this intake.", body = ErrorBody),
    ))]
pub async fn link(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: LinkClient = body::json(&req, payload, 1024, || r#"{"client_id": null}"#.into()).await?;
    let s = find_submission(&state.db, &path).await?;
    if s.client_id.is_some() {
        return Err(ApiError::Conflict(
            "This intake already belongs to a client",
        ));
    }
    let db = &state.db;
    // An id that is no UUID is no suggested client either (nil never is).
    let wanted = b
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|raw| Uuid::parse_str(raw).unwrap_or(Uuid::nil()));
    let chosen = match wanted {
        Some(id) => {
            // Only a suggested client: never a silent merge of two people.
            let matches = matches_for(db, &s).await?;
            let Some(m) = matches.into_iter().find(|m| m.client.id == id) else {
                let mut e = FieldErrors::default();
                e.add(
                    "client_id",
                    "This client has neither the intake's e-mail nor its phone and date of birth",
                );
                return Err(ApiError::Invalid(e));
            };
            m.client
        }
        None => ClientSummary {
            id: Uuid::new_v4(),
            full_name: s.client_name.clone(),
            email: s.client_email.clone().map(|e| e.to_lowercase()),
            phone: s.client_phone.clone(),
            date_of_birth: s.date_of_birth,
        },
    };
    let txn = db.begin().await?;
    // Only while unlinked: a colleague's link at the same moment wins once.
    let done = submission::Entity::update_many()
        .col_expr(submission::Column::ClientId, Expr::value(chosen.id))
        .filter(submission::Column::Id.eq(s.id))
        .filter(submission::Column::ClientId.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "This intake already belongs to a client",
        ));
    }
    if wanted.is_none() {
        client::Entity::insert(client::ActiveModel {
            id: Set(chosen.id),
            full_name: Set(chosen.full_name.clone()),
            email: Set(chosen.email.clone()),
            phone: Set(chosen.phone.clone()),
            date_of_birth: Set(chosen.date_of_birth),
            created_at: Set(Utc::now()),
            created_by: Set(Some(staff.0.id)),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    Event::new(
        AuditAction::ClientLinked,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .submission(s.id)
    .detail(format!(
        "client {}{}",
        chosen.id,
        if wanted.is_none() { " (new)" } else { "" }
    ))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(no_store(chosen))
}

pub async fn find_client(db: &impl ConnectionTrait, raw: &str) -> Result<client::Model, ApiError> {
    client::Entity::find_by_id(path_id(raw)?)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A client's intakes, oldest first.
pub async fn submissions_of(
    db: &impl ConnectionTrait,
    client: Uuid,
) -> Result<Vec<submission::Model>, DbErr> {
    submission::Entity::find()
        .filter(submission::Column::ClientId.eq(client))
        .order_by_asc(submission::Column::ReceivedAt)
        .all(db)
        .await
}

/// Whether the latest of a client's intakes (oldest first) says yes to
/// using photos for marketing.
pub fn marketing_consent(state: &AppState, subs: &[submission::Model]) -> Result<bool, ApiError> {
    match subs.last() {
        None => Ok(false),
        Some(latest) => Ok(service::answers(&state.vault, latest)?
            .consent
            .photo_marketing),
    }
}

/// `GET /api/v1/staff/clients/{id}`: the client's record and timeline.
#[utoipa::path(get, path = "/api/v1/staff/clients/{id}", tag = "courses",
    params(("id" = String, Path, description = "The client id")),
    responses(
        (status = 200, description = "The client's intakes, courses, photos and timeline (the view is audited).", body = ClientRecord),
        (status = 404, description = "No such client.", body = ErrorBody),
    ))]
pub async fn record(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let db = &state.db;
    let c = find_client(db, &path).await?;
    let names = crate::entities::staff_user::names(db).await?;
    let name_of = |id: Option<Uuid>| id.and_then(|i| names.get(&i).cloned());
    let subs = submissions_of(db, c.id).await?;
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    let mut entry = |at: DateTime<Utc>,
                     text: String,
                     staff: Option<String>,
                     sub: Option<Uuid>,
                     session: Option<Uuid>| {
        timeline.push(TimelineEntry {
            at,
            text,
            staff,
            submission_id: sub,
            session_id: session,
        })
    };
    let mut items = Vec::with_capacity(subs.len());
    for s in &subs {
        entry(
            s.received_at,
            "Intake received".into(),
            None,
            Some(s.id),
            None,
        );
        items.push(QueueItem {
            id: s.id,
            client_name: s.client_name.clone(),
            client_email: s.client_email.clone(),
            client_phone: s.client_phone.clone(),
            received_at: s.received_at,
            appointment_date: s.appointment_date,
            status: s.review_status()?,
            flags: queue::stored_flags(s),
        });
        for a in audit_log::Entity::find()
            .filter(audit_log::Column::SubmissionId.eq(s.id))
            .filter(audit_log::Column::Action.is_in([
                AuditAction::StatusChanged.as_str(),
                AuditAction::NoteAdded.as_str(),
            ]))
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await?
        {
            let text = match a.audit_action()? {
                AuditAction::StatusChanged => {
                    format!("Review: {}", a.detail.clone().unwrap_or_default())
                }
                other => other.label().to_string(),
            };
            entry(a.at, text, name_of(a.staff_id), Some(s.id), None);
        }
        for m in mail_message::Entity::find()
            .filter(mail_message::Column::SubmissionId.eq(s.id))
            .all(db)
            .await?
        {
            let (kind, status) = m.kind_and_status()?;
            entry(
                m.created_at,
                format!(
                    "E-mail: {} ({})",
                    kind.label(),
                    status.label().to_lowercase()
                ),
                None,
                Some(s.id),
                None,
            );
        }
    }
    let marketing_consent = marketing_consent(&state, &subs)?;
    let courses = course::Entity::find()
        .filter(course::Column::ClientId.eq(c.id))
        .order_by_asc(course::Column::CreatedAt)
        .all(db)
        .await?;
    let mut course_views = Vec::with_capacity(courses.len());
    let mut photos = Vec::new();
    for co in &courses {
        entry(
            co.created_at,
            "Course planned".into(),
            name_of(co.created_by),
            None,
            None,
        );
        let view = course_view(&state, co, &names).await?;
        for s in treatment_session::Entity::find()
            .filter(treatment_session::Column::CourseId.eq(co.id))
            .order_by_asc(treatment_session::Column::Number)
            .all(db)
            .await?
        {
            entry(
                s.created_at,
                format!("Session {} recorded ({})", s.number, s.performed_on),
                name_of(s.created_by),
                None,
                Some(s.id),
            );
            if let Some(at) = s.signed_off_at {
                entry(
                    at,
                    format!("Session {} signed off", s.number),
                    name_of(s.signed_off_by),
                    None,
                    Some(s.id),
                );
            }
            for a in session_addendum::Entity::find()
                .filter(session_addendum::Column::SessionId.eq(s.id))
                .all(db)
                .await?
            {
                entry(
                    a.created_at,
                    format!("Addendum to session {}", s.number),
                    name_of(a.author_id),
                    None,
                    Some(s.id),
                );
            }
            for p in session_photo::Entity::find()
                .filter(session_photo::Column::SessionId.eq(s.id))
                .order_by_asc(session_photo::Column::CreatedAt)
                .all(db)
                .await?
            {
                let meta = photo_meta(&p, &names)?;
                let kind = PhotoKind::parse(&p.kind).map_or("", PhotoKind::label);
                entry(
                    p.created_at,
                    format!("{kind} photo, session {}", s.number),
                    meta.added_by.clone(),
                    None,
                    Some(s.id),
                );
                photos.push(meta);
            }
        }
        course_views.push(view);
    }
    timeline.sort_by_key(|t| t.at);
    Event::new(
        AuditAction::ClientViewed,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("client {}", c.id))
    .record(db)
    .await?;
    Ok(no_store(ClientRecord {
        client: summary(&c),
        marketing_consent,
        submissions: items,
        courses: course_views,
        photos,
        timeline,
    }))
}

/// `DELETE /api/v1/staff/clients/{id}` (admin): erases the client, every
/// intake of theirs (as erasing each would), their courses, session
/// records and photos. Safe to repeat after a failure part way.
#[utoipa::path(delete, path = "/api/v1/staff/clients/{id}", tag = "courses",
    params(("id" = String, Path, description = "The client id")),
    responses(
        (status = 204, description = "Erased; the audit log keeps a tombstone per intake and one for the client."),
        (status = 404, description = "No such client.", body = ErrorBody),
    ))]
pub async fn erase(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let db = &state.db;
    let c = find_client(db, &path).await?;
    let by = (admin.0.id, client_ip(&req));
    let mut mail_ids = Vec::new();
    for s in submissions_of(db, c.id).await? {
        if let Some(ids) = queue::erase(db, s.id, Some(by.clone()), "client erased; ").await? {
            mail_ids.extend(ids);
        }
    }
    let txn = db.begin().await?;
    // A write first, so SQLite waits for other writers instead of failing.
    client::Entity::update_many()
        .col_expr(client::Column::FullName, Expr::value("(erased)"))
        .filter(client::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    let courses: Vec<Uuid> = course::Entity::find()
        .filter(course::Column::ClientId.eq(c.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let sessions: Vec<Uuid> = treatment_session::Entity::find()
        .filter(treatment_session::Column::CourseId.is_in(courses.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let photos = session_photo::Entity::delete_many()
        .filter(session_photo::Column::SessionId.is_in(sessions.clone()))
        .exec(&txn)
        .await?
        .rows_affected;
    session_addendum::Entity::delete_many()
        .filter(session_addendum::Column::SessionId.is_in(sessions.clone()))
        .exec(&txn)
        .await?;
    session_pigment::Entity::delete_many()
        .filter(session_pigment::Column::SessionId.is_in(sessions.clone()))
        .exec(&txn)
        .await?;
    treatment_session::Entity::delete_many()
        .filter(treatment_session::Column::Id.is_in(sessions.clone()))
        .exec(&txn)
        .await?;
    course::Entity::delete_many()
        .filter(course::Column::Id.is_in(courses.clone()))
        .exec(&txn)
        .await?;
    client::Entity::delete_by_id(c.id).exec(&txn).await?;
    // Counts and ids only: the log keeps no name.
    Event::new(AuditAction::ClientErased, Some(by.0), Some(by.1))
        .detail(format!(
            "client {}; {} courses, {} sessions, {photos} photos",
            c.id,
            courses.len(),
            sessions.len()
        ))
        .record(&txn)
        .await?;
    txn.commit().await?;
    // Gone from every file: the outbox, and the WAL's older copies.
    crate::mail::after_erasure(db, &state.settings.data_dir.join("outbox"), &mail_ids).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Staff names by id, for showing who did what.
pub type Names = HashMap<Uuid, String>;
