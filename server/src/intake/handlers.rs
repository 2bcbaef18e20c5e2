use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde_json::json;
use stipple_app::domain::{parse_submission, CheckContext, FieldErrors, ParseError};
use uuid::Uuid;

use super::service::{self, Evidence, StoreError, Stored};
use crate::{
    http::{api_error::ApiError, body},
    staff::{audit, invites},
    startup::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/consent-template", web::get().to(consent_template))
        .route("/api/v1/submissions", web::post().to(create_submission))
        .route("/api/v1/submissions/{id}", web::get().to(get_submission))
        .route(
            "/api/v1/submissions/{id}/consent.pdf",
            web::get().to(get_consent_pdf),
        )
        .route("/api/v1/verify", web::post().to(verify_pdf))
        .route(
            "/api/v1/invites/{token}",
            web::get().to(crate::staff::handlers::invites::open),
        );
}

/// `GET /api/v1/consent-template`: the version new clients sign.
async fn consent_template(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(&*state.templates.current())
}

/// `POST /api/v1/submissions`: 201 when stored, 200 for an identical replay,
/// 409 when the id is taken by different content, 422 with field errors.
async fn create_submission(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, state.settings.max_body_bytes).await?;
    let submission = parse_submission(&bytes).map_err(|e| match e {
        ParseError::Malformed(m) => ApiError::BadRequest(m),
        ParseError::Shape(errors) => ApiError::Invalid(errors),
    })?;
    // A replay is answered from what is stored, before any rule that depends
    // on today's date: a retry after midnight must still get its 200.
    if let Some(existing) = service::find(&state.db, submission.id).await? {
        return match service::same_or_conflict(existing, &service::canonical_sha256(&submission)) {
            Stored::Replayed(row) => Ok(receipt_response(
                &state,
                actix_web::http::StatusCode::OK,
                &row,
            )),
            _ => Err(ApiError::Conflict(
                "A different submission with this id already exists",
            )),
        };
    }
    if audit::is_deleted(&state.db, submission.id).await? {
        return Err(ApiError::Gone(
            "This submission was erased by the clinic and cannot be sent again".into(),
        ));
    }
    let version = &submission.consent.template_version;
    let Some(template) = state.templates.get(&state.db, version).await? else {
        let mut errors = FieldErrors::default();
        errors.add(
            "consent.template_version",
            "This consent version is not known",
        );
        return Err(ApiError::Invalid(errors));
    };
    let ctx = CheckContext {
        // Ages and dates are judged in the clinic's calendar.
        today: Utc::now()
            .with_timezone(&state.settings.timezone)
            .date_naive(),
        template: &template,
    };
    submission.check(&ctx).map_err(ApiError::Invalid)?;
    let invite = match submission.appointment.invite_token.as_deref() {
        None => None,
        Some(token) => {
            let found = invites::by_token(&state.db, token).await?;
            let why = match &found {
                None => Some("This invitation link is not valid"),
                Some(i) => invites::unusable(i, Utc::now()),
            };
            if let Some(why) = why {
                return Err(invite_refused(why));
            }
            found
        }
    };

    let evidence = Evidence {
        received_at: Utc::now(),
        client_ip: Some(crate::http::client_ip::client_ip(
            &req,
            &state.settings.trusted_proxies,
        )),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    };
    let stored = service::store(
        &state.db,
        &state.settings,
        &submission,
        &template,
        evidence,
        invite.as_ref(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Db(e) => ApiError::from(e),
        StoreError::Pdf(e) => ApiError::Unexpected(anyhow::anyhow!(e)),
    })?;
    let (code, row) = match stored {
        Stored::Created { row, mail_queued } => {
            if mail_queued {
                state.mail.wake();
            }
            (actix_web::http::StatusCode::CREATED, row)
        }
        Stored::Replayed(row) => (actix_web::http::StatusCode::OK, row),
        Stored::Conflict => {
            return Err(ApiError::Conflict(
                "A different submission with this id already exists",
            ))
        }
        Stored::InviteUsed => return Err(invite_refused(
            "This invitation link has already been used. Ask the clinic for a new one if you need to change your answers.",
        )),
    };
    if code == actix_web::http::StatusCode::CREATED {
        tracing::info!(submission_id = %row.id, "submission stored");
    }
    Ok(receipt_response(&state, code, &row))
}

/// An invite that cannot be used: a 422 on the token, which the intake
/// drops before showing the reason, so the client can still send.
fn invite_refused(why: &str) -> ApiError {
    let mut errors = FieldErrors::default();
    errors.add("appointment.invite_token", why);
    ApiError::Invalid(errors)
}

/// The answer to a stored submission: the same for the first send and replays.
fn receipt_response(
    state: &AppState,
    code: actix_web::http::StatusCode,
    row: &crate::entities::submission::Model,
) -> HttpResponse {
    HttpResponse::build(code)
        .insert_header((header::LOCATION, format!("/api/v1/submissions/{}", row.id)))
        .json(json!({
            "id": row.id,
            "receipt_token": receipt_token(state, row.id),
            "status": row.status,
        }))
}

pub fn receipt_token(state: &AppState, id: Uuid) -> String {
    state.secret.sign("receipt", id.as_bytes())
}

/// The bearer token from `Authorization` or, for plain links, `?token=`.
pub fn presented_token(req: &HttpRequest) -> Option<String> {
    let from_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    from_header.or_else(|| {
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("token").cloned())
    })
}

/// The submission id the client's receipt token opens. A wrong or missing
/// token answers exactly like an unknown id: 404.
fn client_access(req: &HttpRequest, path: &str, state: &AppState) -> Result<Uuid, ApiError> {
    let id = Uuid::parse_str(path).map_err(|_| ApiError::NotFound)?;
    let token = presented_token(req).ok_or(ApiError::NotFound)?;
    if !state.secret.verify("receipt", id.as_bytes(), &token) {
        return Err(ApiError::NotFound);
    }
    Ok(id)
}

/// `GET /api/v1/submissions/{id}`: the client's own submission.
async fn get_submission(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = client_access(&req, &path, &state)?;
    let row = service::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "id": row.id,
            "status": row.status,
            "received_at": row.received_at,
            "template_version": row.template_version,
            "canonical_sha256": row.canonical_sha256,
            "submission": row.answers,
        })))
}

/// `GET /api/v1/submissions/{id}/consent.pdf`: the client's signed consent,
/// the same bytes every time. `inline` for printing, `?download=1` to save.
async fn get_consent_pdf(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = client_access(&req, &path, &state)?;
    let doc = service::consent_pdf(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(pdf_response(&req, id, doc.pdf, &doc.sha256))
}

/// A stored consent PDF as a response (client and staff routes share it).
/// Whether `?download=1` (or `true`) asks for an attachment.
pub fn wants_download(req: &HttpRequest) -> bool {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.get("download").is_some_and(|v| v == "1" || v == "true"))
        .unwrap_or(false)
}

pub fn pdf_response(req: &HttpRequest, id: Uuid, pdf: Vec<u8>, sha256: &str) -> HttpResponse {
    let disposition = if wants_download(req) {
        "attachment"
    } else {
        "inline"
    };
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"consent-{id}.pdf\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .body(pdf)
}

/// Largest PDF accepted for verification.
const MAX_VERIFY_BYTES: usize = 20 * 1024 * 1024;

/// `POST /api/v1/verify` with a PDF body: is it byte-identical to a stored
/// consent? Says only which submission and when it was signed.
async fn verify_pdf(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body::read(
        &req,
        payload,
        MAX_VERIFY_BYTES,
        &["application/pdf", "application/octet-stream"],
    )
    .await?;
    let answer = match service::find_by_pdf(&state.db, &body).await? {
        Some(row) => json!({
            "match": true,
            "submission_id": row.id,
            "signed_at": row.received_at,
        }),
        None => json!({"match": false}),
    };
    Ok(HttpResponse::Ok().json(answer))
}
