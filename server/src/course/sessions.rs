//! Session records: what was done, with which needle and pigment lots.
//! Editable until the practitioner signs the record off with their
//! password; after that it is locked and later words are addenda.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use sha2::{Digest, Sha256};
use stipple_app::domain::{
    api::{
        wire, Addendum, ErrorBody, NewAddendum, PhotoMeta, SessionInput, SessionRecord, SignOff,
    },
    course::{check_session, check_text, lot_key, MAX_TEXT},
    states::{AccountStatus, AuditAction, CourseStatus, PhotoKind},
    FieldErrors,
};
use uuid::Uuid;

use super::{
    clients::{submissions_of, Names},
    courses::{course_status, find_course},
};
use crate::{
    audit::Event,
    auth::password,
    entities::{
        client, course, session_addendum, session_photo, session_pigment, staff_user,
        treatment_session as entity,
    },
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, no_store, path_id, Staff},
    },
    mail::{self, AftercareMail},
    state::AppState,
    vault::at,
};

/// Room for every text field at its longest, in any script, escaped.
const SESSION_BODY: usize = 256 * 1024;
const EXAMPLE: &str = r#"{"performed_on": "2026-12-01", "start_time": "09:30", "areas": ["crown"], "needle": "3RL", "needle_lot": "N123", "pigments": [{"brand": "…", "shade": "…", "lot": "…", "expires_on": "2027-06-30"}]}"#;

/// Trimmed, with blank optional fields as none.
fn tidy(mut s: SessionInput) -> SessionInput {
    let blank_none = |o: Option<String>| o.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    s.performed_on = s.performed_on.trim().into();
    s.start_time = s.start_time.trim().into();
    s.end_time = blank_none(s.end_time);
    s.practitioner_id = blank_none(s.practitioner_id);
    s.practitioner_id = blank_none(s.practitioner_id);
    s.next_session_on = blank_none(s.next_session_on);
    for t in [
        &mut s.technique_notes,
        &mut s.reactions,
        &mut s.aftercare_given,
        &mut s.needle,
        &mut s.needle_lot,
    ] {
        *t = t.trim().to_string();
    }
    for p in &mut s.pigments {
        for t in [&mut p.brand, &mut p.shade, &mut p.lot, &mut p.expires_on] {
            *t = t.trim().to_string();
        }
    }
    s
}

/// Checks a record against the rules and the team: the practitioner must
/// be an active colleague.
async fn checked(
    state: &AppState,
    staff: &Staff,
    raw: SessionInput,
) -> Result<SessionInput, ApiError> {
    let mut s = tidy(raw);
    let today = Utc::now()
        .with_timezone(&state.settings.timezone)
        .date_naive();
    let mut e = check_session(&s, today);
    let practitioner = match s.practitioner_id.as_deref() {
        None => Some(staff.0.id),
        Some(raw) => Uuid::parse_str(raw).ok(),
    };
    let active = match practitioner {
        Some(id) => staff_user::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .is_some_and(|u| u.status() == AccountStatus::Active),
        None => false,
    };
    if !active {
        e.add(
            "practitioner_id",
            "Choose a colleague with an active account",
        );
    }
    e.into_result().map_err(ApiError::Invalid)?;
    s.practitioner_id = practitioner.map(|p| p.to_string());
    Ok(s)
}

/// The practitioner of a checked record.
fn practitioner_of(s: &SessionInput) -> Option<Uuid> {
    s.practitioner_id
        .as_deref()
        .and_then(|p| Uuid::parse_str(p).ok())
}

fn day(s: &str) -> chrono::NaiveDate {
    wire::parse_day(s).expect("checked by check_session")
}

/// Writes the record's columns and its pigments (replacing any before).
async fn write_pigments(
    db: &impl ConnectionTrait,
    session: Uuid,
    s: &SessionInput,
) -> Result<(), ApiError> {
    session_pigment::Entity::delete_many()
        .filter(session_pigment::Column::SessionId.eq(session))
        .exec(db)
        .await?;
    for p in &s.pigments {
        session_pigment::Entity::insert(session_pigment::ActiveModel {
            id: Set(Uuid::new_v4()),
            session_id: Set(session),
            brand: Set(p.brand.clone()),
            shade: Set(p.shade.clone()),
            lot: Set(p.lot.clone()),
            lot_key: Set(lot_key(&p.lot)),
            expires_on: Set(day(&p.expires_on)),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

fn sealed_record(state: &AppState, id: Uuid, s: &SessionInput) -> String {
    state.vault.seal_text(
        at::session_record(id),
        &serde_json::to_string(s).expect("records serialise"),
    )
}

/// `POST /api/v1/staff/courses/{id}/sessions`: records the next session.
#[utoipa::path(post, path = "/api/v1/staff/courses/{id}/sessions", tag = "courses",
    params(("id" = String, Path, description = "The course id")),
    request_body = SessionInput,
    responses(
        (status = 201, description = "Recorded; not yet signed off.", body = SessionRecord),
        (status = 404, description = "No such course.", body = ErrorBody),
        (status = 409, description = "The course is not in progress.", body = ErrorBody),
        (status = 422, description = "Fields to correct (an expired pigment, a missing lot).", body = ErrorBody),
    ))]
pub async fn create(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let raw: SessionInput = body::json(&req, payload, SESSION_BODY, || EXAMPLE.into()).await?;
    let co = find_course(&state, &path).await?;
    if course_status(&co)? != CourseStatus::InProgress {
        return Err(ApiError::Conflict(
            "Sessions are recorded on a course in progress: start the course first",
        ));
    }
    let s = checked(&state, &staff, raw).await?;
    let id = Uuid::new_v4();
    let txn = state.db.begin().await?;
    // A write first (SQLite then waits for other writers); the number is
    // unique per course, so two sessions recorded at once cannot share it.
    course::Entity::update_many()
        .col_expr(course::Column::Status, Expr::col(course::Column::Status))
        .filter(course::Column::Id.eq(co.id))
        .exec(&txn)
        .await?;
    let number = entity::Entity::find()
        .filter(entity::Column::CourseId.eq(co.id))
        .count(&txn)
        .await?
        + 1;
    entity::Entity::insert(entity::ActiveModel {
        id: Set(id),
        course_id: Set(co.id),
        number: Set(number as i16),
        practitioner_id: Set(practitioner_of(&s)),
        performed_on: Set(day(&s.performed_on)),
        next_session_on: Set(s.next_session_on.as_deref().map(day)),
        record: Set(sealed_record(&state, id, &s)),
        created_at: Set(Utc::now()),
        created_by: Set(Some(staff.0.id)),
        signed_off_at: Set(None),
        signed_off_by: Set(None),
        record_sha256: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    write_pigments(&txn, id, &s).await?;
    Event::new(
        AuditAction::SessionRecorded,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "session {id} (number {number}) of course {}",
        co.id
    ))
    .record(&txn)
    .await?;
    txn.commit().await?;
    let row = find(&state, id).await?;
    Ok(HttpResponse::Created().json(view(&state, &row).await?))
}

pub async fn find(state: &AppState, id: Uuid) -> Result<entity::Model, ApiError> {
    entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

pub fn photo_meta(p: &session_photo::Model, names: &Names) -> Result<PhotoMeta, ApiError> {
    Ok(PhotoMeta {
        id: p.id,
        session_id: p.session_id,
        kind: PhotoKind::parse(&p.kind).ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("unknown photo kind `{}`", p.kind))
        })?,
        width: p.width as u32,
        height: p.height as u32,
        bytes: p.bytes as u64,
        created_at: p.created_at,
        added_by: p.created_by.and_then(|i| names.get(&i).cloned()),
    })
}

fn record_of(state: &AppState, row: &entity::Model) -> Result<SessionInput, ApiError> {
    let text = state
        .vault
        .open_text(at::session_record(row.id), &row.record)?;
    serde_json::from_str(&text).map_err(|e| ApiError::Unexpected(e.into()))
}

async fn view(state: &AppState, row: &entity::Model) -> Result<SessionRecord, ApiError> {
    let db = &state.db;
    let names = staff_user::names(db).await?;
    let name_of = |id: Option<Uuid>| id.and_then(|i| names.get(&i).cloned());
    let co = course::Entity::find_by_id(row.course_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let addenda = session_addendum::Entity::find()
        .filter(session_addendum::Column::SessionId.eq(row.id))
        .order_by_asc(session_addendum::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            Ok(Addendum {
                id: a.id,
                author: name_of(a.author_id),
                created_at: a.created_at,
                text: state.vault.open_text(at::addendum(a.id), &a.text)?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let photos = session_photo::Entity::find()
        .filter(session_photo::Column::SessionId.eq(row.id))
        .order_by_asc(session_photo::Column::CreatedAt)
        .all(db)
        .await?
        .iter()
        .map(|p| photo_meta(p, &names))
        .collect::<Result<_, _>>()?;
    Ok(SessionRecord {
        id: row.id,
        course_id: row.course_id,
        client_id: co.client_id,
        number: row.number as u16,
        practitioner: name_of(row.practitioner_id),
        record: record_of(state, row)?,
        signed_off_at: row.signed_off_at,
        signed_off_by: name_of(row.signed_off_by),
        record_sha256: row.record_sha256.clone(),
        addenda,
        photos,
    })
}

/// `GET /api/v1/staff/sessions/{id}`.
#[utoipa::path(get, path = "/api/v1/staff/sessions/{id}", tag = "courses",
    params(("id" = String, Path, description = "The session id")),
    responses(
        (status = 200, description = "The record, its addenda and photos (the view is audited).", body = SessionRecord),
        (status = 404, description = "No such session.", body = ErrorBody),
    ))]
pub async fn get(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let row = find(&state, path_id(&path)?).await?;
    let shown = view(&state, &row).await?;
    Event::new(
        AuditAction::SessionViewed,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("session {}", row.id))
    .record(&state.db)
    .await?;
    Ok(no_store(shown))
}

/// `POST /api/v1/staff/sessions/{id}`: replaces the record while it is not
/// signed off.
#[utoipa::path(post, path = "/api/v1/staff/sessions/{id}", tag = "courses",
    params(("id" = String, Path, description = "The session id")),
    request_body = SessionInput,
    responses(
        (status = 200, description = "Saved.", body = SessionRecord),
        (status = 404, description = "No such session.", body = ErrorBody),
        (status = 409, description = "Signed off: add an addendum instead.", body = ErrorBody),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn update(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let raw: SessionInput = body::json(&req, payload, SESSION_BODY, || EXAMPLE.into()).await?;
    let row = find(&state, path_id(&path)?).await?;
    let s = checked(&state, &staff, raw).await?;
    let txn = state.db.begin().await?;
    // Only while unsigned, checked in the write itself: a sign-off at the
    // same moment wins and this edit is refused.
    let done = entity::Entity::update_many()
        .col_expr(
            entity::Column::Record,
            Expr::value(sealed_record(&state, row.id, &s)),
        )
        .col_expr(
            entity::Column::PractitionerId,
            Expr::value(practitioner_of(&s)),
        )
        .col_expr(
            entity::Column::PerformedOn,
            Expr::value(day(&s.performed_on)),
        )
        .col_expr(
            entity::Column::NextSessionOn,
            Expr::value(s.next_session_on.as_deref().map(day)),
        )
        .filter(entity::Column::Id.eq(row.id))
        .filter(entity::Column::SignedOffAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(locked());
    }
    write_pigments(&txn, row.id, &s).await?;
    Event::new(
        AuditAction::SessionRecorded,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("session {} edited before sign-off", row.id))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(no_store(view(&state, &find(&state, row.id).await?).await?))
}

fn locked() -> ApiError {
    ApiError::Conflict("This record is signed off and locked: add an addendum instead")
}

/// SHA-256 of the record as signed: the JSON of the record's fields in
/// their fixed order.
pub fn record_sha256(s: &SessionInput) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(s).expect("records serialise"),
    ))
}

/// `POST /api/v1/staff/sessions/{id}/sign-off`: the practitioner confirms
/// the record with their password; it is locked from then on.
#[utoipa::path(post, path = "/api/v1/staff/sessions/{id}/sign-off", tag = "courses",
    params(("id" = String, Path, description = "The session id")),
    request_body = SignOff,
    responses(
        (status = 200, description = "Signed off and locked.", body = SessionRecord),
        (status = 403, description = "Only the practitioner who treated signs the record off.", body = ErrorBody),
        (status = 404, description = "No such session.", body = ErrorBody),
        (status = 409, description = "Already signed off.", body = ErrorBody),
        (status = 422, description = "Not the practitioner's password.", body = ErrorBody),
    ))]
pub async fn sign_off(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: SignOff = body::json(&req, payload, 4 * 1024, || r#"{"password": "…"}"#.into()).await?;
    let row = find(&state, path_id(&path)?).await?;
    if row.signed_off_at.is_some() {
        return Err(ApiError::Conflict("This record is already signed off"));
    }
    if row.practitioner_id != Some(staff.0.id) {
        return Err(ApiError::Forbidden(
            "Only the practitioner who treated signs this record off",
        ));
    }
    let stored = staff_user::Entity::find_by_id(staff.0.id)
        .one(&state.db)
        .await?
        .map(|u| u.password_hash);
    let ok = tokio::task::spawn_blocking(move || password::verify(&b.password, stored.as_deref()))
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    if !ok {
        let mut e = FieldErrors::default();
        e.add("password", "That is not your password");
        return Err(ApiError::Invalid(e));
    }
    let digest = record_sha256(&record_of(&state, &row)?);
    let txn = state.db.begin().await?;
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::SignedOffAt, Expr::value(Utc::now()))
        .col_expr(entity::Column::SignedOffBy, Expr::value(staff.0.id))
        .col_expr(entity::Column::RecordSha256, Expr::value(digest.clone()))
        .filter(entity::Column::Id.eq(row.id))
        .filter(entity::Column::SignedOffAt.is_null())
        // The record signed is the one read above.
        .filter(entity::Column::Record.eq(row.record.clone()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "The record changed or was signed off meanwhile: reload it",
        ));
    }
    let mailed = queue_aftercare(&state, &txn, &row).await?;
    Event::new(
        AuditAction::SessionSignedOff,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "session {}; sha256 {digest}{}",
        row.id,
        mailed.map_or(String::new(), |m| format!("; aftercare mail {m}"))
    ))
    .record(&txn)
    .await?;
    txn.commit().await?;
    if mailed.is_some() {
        state.mail.wake();
    }
    Ok(no_store(view(&state, &find(&state, row.id).await?).await?))
}

/// Queues the aftercare e-mail for a signed-off session, in the sign-off's
/// transaction: a record is never locked without its mail queued. None
/// when the client gave no e-mail address.
async fn queue_aftercare(
    state: &AppState,
    txn: &impl ConnectionTrait,
    row: &entity::Model,
) -> Result<Option<Uuid>, ApiError> {
    let Some(co) = course::Entity::find_by_id(row.course_id).one(txn).await? else {
        return Ok(None);
    };
    let Some(c) = client::Entity::find_by_id(co.client_id).one(txn).await? else {
        return Ok(None);
    };
    let subs = submissions_of(txn, c.id).await?;
    let (Some(to), Some(latest)) = (c.email.as_deref().filter(|e| !e.is_empty()), subs.last())
    else {
        return Ok(None);
    };
    let message = mail::aftercare(
        AftercareMail {
            to,
            name: &c.full_name,
            submission_id: latest.id,
            session_number: row.number as u16,
            next_session_on: row.next_session_on,
        },
        &state.templates.current(),
    );
    Ok(Some(message.enqueue(txn, &state.vault).await?))
}

/// `POST /api/v1/staff/sessions/{id}/addenda`: a later word on a record,
/// with its author and time; never an edit.
#[utoipa::path(post, path = "/api/v1/staff/sessions/{id}/addenda", tag = "courses",
    params(("id" = String, Path, description = "The session id")),
    request_body = NewAddendum,
    responses(
        (status = 201, description = "Added.", body = Addendum),
        (status = 404, description = "No such session.", body = ErrorBody),
        (status = 409, description = "The record is not signed off yet: edit it instead.", body = ErrorBody),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn add_addendum(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let b: NewAddendum = body::json(&req, payload, 64 * 1024, || r#"{"text": "…"}"#.into()).await?;
    let row = find(&state, path_id(&path)?).await?;
    let text = b.text.trim();
    let mut e = FieldErrors::default();
    if text.is_empty() {
        e.add("text", "Write the addendum first");
    }
    check_text(&mut e, "text", text, MAX_TEXT);
    e.into_result().map_err(ApiError::Invalid)?;
    if row.signed_off_at.is_none() {
        return Err(ApiError::Conflict(
            "This record is not signed off yet: edit it instead",
        ));
    }
    let id = Uuid::new_v4();
    let now = Utc::now();
    let txn = state.db.begin().await?;
    session_addendum::Entity::insert(session_addendum::ActiveModel {
        id: Set(id),
        session_id: Set(row.id),
        author_id: Set(Some(staff.0.id)),
        created_at: Set(now),
        text: Set(state.vault.seal_text(at::addendum(id), text)),
    })
    .exec_without_returning(&txn)
    .await?;
    Event::new(
        AuditAction::SessionAddendum,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("session {}; addendum {id}", row.id))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(Addendum {
        id,
        author: Some(staff.0.name.clone()),
        created_at: now,
        text: text.to_string(),
    }))
}
