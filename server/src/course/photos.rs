//! Before and after photos over HTTP: upload from a camera, view (each
//! view audited), export for marketing only with the client's consent.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde::Deserialize;
use stipple_app::domain::{
    api::{ErrorBody, PhotoMeta},
    states::{AuditAction, PhotoKind},
    FieldErrors,
};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::{
    clients::{marketing_consent, submissions_of},
    photo::{self, PhotoError, ACCEPTED, MAX_UPLOAD_BYTES},
    sessions::{find, photo_meta},
};
use crate::{
    audit::Event,
    entities::{course, session_photo as entity},
    http::{
        api_error::ApiError,
        body,
        routes::{client_ip, path_id, Staff},
    },
    state::AppState,
    vault::at,
};

/// Decoding a large photo takes a few hundred megabytes at most; two at a
/// time keep a small server's memory bounded whatever staff upload at once.
static DECODING: Semaphore = Semaphore::const_new(2);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// `before` or `after` the session.
    #[param(value_type = PhotoKind)]
    kind: String,
}

/// `POST /api/v1/staff/sessions/{id}/photos?kind=before`: the body is the
/// photo itself (`image/jpeg`, `image/png` or `image/webp`, ≤ 15 MB).
#[utoipa::path(post, path = "/api/v1/staff/sessions/{id}/photos", tag = "courses",
    params(("id" = String, Path, description = "The session id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The photo (JPEG, PNG or WebP)."),
    responses(
        (status = 201, description = "Stored without any metadata, upright, at most 2048 px on the long side, with a thumbnail.", body = PhotoMeta),
        (status = 400, description = "A kind other than before or after.", body = ErrorBody),
        (status = 404, description = "No such session.", body = ErrorBody),
        (status = 413, description = "Over 15 MB.", body = ErrorBody),
        (status = 415, description = "Not sent as JPEG, PNG or WebP.", body = ErrorBody),
        (status = 422, description = "Not a photo, damaged, or over 50 megapixels (a decompression bomb): nothing stored.", body = ErrorBody),
    ))]
pub async fn upload(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let kind = PhotoKind::parse(query.kind.trim())
        .ok_or_else(|| ApiError::BadRequest("`kind` must be before or after".into()))?;
    let session = find(&state, path_id(&path)?).await?;
    let bytes = body::read(&req, payload, MAX_UPLOAD_BYTES, ACCEPTED).await?;
    let processed = {
        let _permit = DECODING
            .acquire()
            .await
            .map_err(|e| ApiError::Unexpected(e.into()))?;
        tokio::task::spawn_blocking(move || photo::process(&bytes))
            .await
            .map_err(|e| ApiError::Unexpected(e.into()))?
    }
    .map_err(|e: PhotoError| {
        let mut errors = FieldErrors::default();
        errors.add("photo", e.to_string());
        ApiError::Invalid(errors)
    })?;
    let id = Uuid::new_v4();
    let row = entity::ActiveModel {
        id: Set(id),
        session_id: Set(session.id),
        kind: Set(kind.as_str().into()),
        width: Set(processed.width as i32),
        height: Set(processed.height as i32),
        bytes: Set(processed.jpeg.len() as i64),
        image: Set(state.vault.seal(at::photo(id), &processed.jpeg)),
        thumbnail: Set(state.vault.seal(at::thumbnail(id), &processed.thumbnail)),
        created_at: Set(Utc::now()),
        created_by: Set(Some(staff.0.id)),
    };
    entity::Entity::insert(row)
        .exec_without_returning(&state.db)
        .await?;
    Event::new(
        AuditAction::PhotoAdded,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "photo {id} ({}) of session {}; {} × {}",
        kind.as_str(),
        session.id,
        processed.width,
        processed.height
    ))
    .record(&state.db)
    .await?;
    let stored = entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let names = crate::entities::staff_user::names(&state.db).await?;
    Ok(HttpResponse::Created().json(photo_meta(&stored, &names)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// `thumb` for the small version; the full photo otherwise.
    size: Option<String>,
}

async fn find_photo(state: &AppState, raw: &str) -> Result<entity::Model, ApiError> {
    entity::Entity::find_by_id(path_id(raw)?)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

fn jpeg(bytes: Vec<u8>, disposition: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(bytes)
}

/// `GET /api/v1/staff/photos/{id}`: the photo (each view audited).
#[utoipa::path(get, path = "/api/v1/staff/photos/{id}", tag = "courses",
    params(("id" = String, Path, description = "The photo id"), ViewQuery),
    responses(
        (status = 200, description = "The JPEG.", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "No such photo.", body = ErrorBody),
    ))]
pub async fn view(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ViewQuery>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p = find_photo(&state, &path).await?;
    let thumb = query.size.as_deref() == Some("thumb");
    let bytes = if thumb {
        state.vault.open(at::thumbnail(p.id), &p.thumbnail)?
    } else {
        state.vault.open(at::photo(p.id), &p.image)?
    };
    Event::new(
        AuditAction::PhotoViewed,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "photo {}{}",
        p.id,
        if thumb { " (thumbnail)" } else { "" }
    ))
    .record(&state.db)
    .await?;
    Ok(jpeg(bytes, "inline".into()))
}

/// `GET /api/v1/staff/photos/{id}/export`: the photo as a download for
/// marketing, only when the client agreed to that on their latest intake.
#[utoipa::path(get, path = "/api/v1/staff/photos/{id}/export", tag = "courses",
    params(("id" = String, Path, description = "The photo id")),
    responses(
        (status = 200, description = "The JPEG as an attachment (audited).", content_type = "image/jpeg", body = Vec<u8>),
        (status = 403, description = "The client has not agreed to marketing use of photos.", body = ErrorBody),
        (status = 404, description = "No such photo.", body = ErrorBody),
    ))]
pub async fn export(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p = find_photo(&state, &path).await?;
    let session = find(&state, p.session_id).await?;
    let co = course::Entity::find_by_id(session.course_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let subs = submissions_of(&state.db, co.client_id).await?;
    if !marketing_consent(&state, &subs)? {
        return Err(ApiError::Forbidden(
            "The client has not agreed to their photos being used for marketing",
        ));
    }
    let bytes = state.vault.open(at::photo(p.id), &p.image)?;
    Event::new(
        AuditAction::PhotoExported,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!("photo {}", p.id))
    .record(&state.db)
    .await?;
    Ok(jpeg(
        bytes,
        format!("attachment; filename=\"photo-{}.jpg\"", p.id),
    ))
}
