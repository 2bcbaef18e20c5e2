use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use stipple_app::domain::{
    api::{ErrorBody, PdfLink, Receipt, StoredSubmission, VerifyResult},
    parse_submission, CheckContext, ConsentTemplate, FieldErrors, ParseError, Submission,
};
use uuid::Uuid;

use super::service::{self, Evidence, StoreError, Stored};
use crate::consent::Signable;
use crate::{
    audit,
    http::{
        api_error::ApiError,
        body,
        pdf::{pdf_response, PdfFile},
        routes::client_addr,
        token::{bearer, query_token},
    },
    invites::store as invites,
    limits::{Class, Refusal},
    state::AppState,
};

/// The invite link an intake comes from, also sent as a header so the
/// limit per address can make way for it before the body is read.
const INVITE_HEADER: &str = "stipple-invite";

/// `GET /api/v1/consent-template`: the version new clients sign.
#[utoipa::path(get, path = "/api/v1/consent-template", tag = "intake",
    responses((status = 200, description = "The current template (`Cache-Control: no-cache`).", body = ConsentTemplate)))]
pub async fn consent_template(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(&*state.templates.current())
}

/// `POST /api/v1/submissions`: 201 when stored, 200 for an identical replay,
/// 409 when the id is taken by different content, 422 with field errors.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "intake", request_body = Submission,
    responses(
        (status = 201, description = "Stored.", body = Receipt,
            headers(("Location" = String, description = "The submission's address."))),
        (status = 200, description = "The same id and content again: the same answer.", body = Receipt,
            headers(("Location" = String, description = "The submission's address."))),
        (status = 409, description = "The id is taken by different content.", body = ErrorBody),
        (status = 410, description = "The id was erased by the clinic.", body = ErrorBody),
        (status = 408, description = "The body arrived too slowly.", body = ErrorBody),
        (status = 422, description = "Answers that break a rule, keyed by JSON path; \
            `consent.template_version` when that version may no longer be signed.", body = ErrorBody),
        (status = 429, description = "Too many intakes from this address, or in all; the intake \
            is not stored and may be sent again after `Retry-After` seconds.", body = ErrorBody,
            headers(("Retry-After" = u64))),
        (status = 500, description = "The consent PDF could not be made.", body = ErrorBody),
    ),
    params(("Stipple-Invite" = Option<String>, Header,
        description = "The intake's `appointment.invite_token`: an invited client is not held \
            back by the limit per address.")))]
pub async fn create_submission(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let client = client_addr(&req);
    // Counted before the body is read: a refused request costs nothing more.
    let invited_by = match state
        .limiter
        .admit(client, Class::Submit { invited: false })
        .await
    {
        Ok(()) => None,
        Err(refusal @ Refusal::Limited { .. }) => {
            let token = req
                .headers()
                .get(INVITE_HEADER)
                .and_then(|v| v.to_str().ok());
            match token {
                Some(token) if invite_is_usable(&state, token).await? => {
                    state
                        .limiter
                        .admit(client, Class::Submit { invited: true })
                        .await?;
                    Some((token.to_string(), refusal))
                }
                _ => return Err(refusal.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let bytes = body::read_json(&req, payload, state.settings.max_body_bytes).await?;
    let submission = parse_submission(&bytes).map_err(|e| match e {
        ParseError::Malformed(m) => ApiError::BadRequest(m),
        ParseError::Shape(errors) => ApiError::Invalid(errors),
    })?;
    if let Some((token, refusal)) = invited_by {
        // The header let it past the limit: it must be this intake's invite.
        if submission.appointment.invite_token.as_deref() != Some(token.as_str()) {
            return Err(refusal.into());
        }
    }
    // A replay is answered from what is stored, before any rule that depends
    // on today's date: a retry after midnight must still get its 200.
    if let Some(existing) = service::find(&state.db, submission.id).await? {
        return match service::same_or_conflict(existing, &service::canonical_sha256(&submission)) {
            Stored::Replayed(row) => {
                receipt_response(&state, actix_web::http::StatusCode::OK, &row).await
            }
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
    let template = match state
        .templates
        .signable(&state.db, version, Utc::now())
        .await?
    {
        Signable::Yes(t) => t,
        Signable::Replaced => {
            let mut errors = FieldErrors::default();
            errors.add(
                "consent.template_version",
                "The clinic has updated its consent text. Please read it again and tick each part.",
            );
            return Err(ApiError::Invalid(errors));
        }
        Signable::Unknown => {
            let mut errors = FieldErrors::default();
            errors.add(
                "consent.template_version",
                "This consent version is not known",
            );
            return Err(ApiError::Invalid(errors));
        }
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
        client_ip: client.map(|ip| ip.to_string()),
        address: client,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    };
    let stored = service::store(
        service::Storage {
            db: &state.db,
            vault: &state.vault,
        },
        &state.settings,
        &state.limiter,
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
            state.webhooks.notify_one();
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
    receipt_response(&state, code, &row).await
}

/// Whether `token` is an invite link a client may still send with.
async fn invite_is_usable(state: &AppState, token: &str) -> Result<bool, ApiError> {
    Ok(invites::by_token(&state.db, token)
        .await?
        .is_some_and(|i| invites::unusable(&i, Utc::now()).is_none()))
}

/// An invite that cannot be used: a 422 on the token, which the intake
/// drops before showing the reason, so the client can still send.
fn invite_refused(why: &str) -> ApiError {
    let mut errors = FieldErrors::default();
    errors.add("appointment.invite_token", why);
    ApiError::Invalid(errors)
}

/// The answer to a stored submission: the same for the first send and replays.
async fn receipt_response(
    state: &AppState,
    code: actix_web::http::StatusCode,
    row: &crate::entities::submission::Model,
) -> Result<HttpResponse, ApiError> {
    let until = Utc::now() + chrono::Duration::days(i64::from(state.settings.receipt_days));
    Ok(HttpResponse::build(code)
        .insert_header((header::LOCATION, format!("/api/v1/submissions/{}", row.id)))
        .json(Receipt {
            id: row.id,
            receipt_token: state
                .secret
                .sign_until(RECEIPT, row.id.as_bytes(), until.timestamp()),
            status: row.review_status()?,
            receipt_expires_at: chrono::DateTime::from_timestamp(until.timestamp(), 0),
            email_copy: service::email_copy(&state.db, row.id).await?,
        }))
}

/// What the receipt token opens, and what a PDF link opens.
const RECEIPT: &str = "receipt";
const PDF_LINK: &str = "pdf-link";
/// A PDF link works this long: enough to open it, too short to be worth
/// finding in a browser history.
const PDF_LINK_SECS: i64 = 5 * 60;

/// The submission id a token opens. A wrong, expired or missing token
/// answers exactly like an unknown id: 404. The receipt token counts only
/// in the `Authorization` header; `pdf_link` also allows a PDF link's
/// `?token=`.
async fn client_access(
    req: &HttpRequest,
    path: &str,
    state: &AppState,
    pdf_link: bool,
) -> Result<Uuid, ApiError> {
    state.limiter.admit(client_addr(req), Class::Read).await?;
    let id = Uuid::parse_str(path).map_err(|_| ApiError::NotFound)?;
    let now = Utc::now().timestamp();
    let opens = |purpose: &str, token: &str| {
        state
            .secret
            .verify_until(purpose, id.as_bytes(), token, now)
    };
    let by_header = bearer(req).is_some_and(|t| opens(RECEIPT, &t));
    let by_link = pdf_link && query_token(req).is_some_and(|t| opens(PDF_LINK, &t));
    if !(by_header || by_link) {
        return Err(ApiError::NotFound);
    }
    Ok(id)
}

/// `POST /api/v1/submissions/{id}/pdf-link`: a five-minute link to the
/// consent PDF, for pages that open it with a plain link.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/pdf-link", tag = "intake",
    params(("id" = String, Path, description = "The submission id (a UUID; anything else is 404).")),
    security(("receiptBearer" = [])),
    responses(
        (status = 200, description = "A link that works for five minutes.", body = PdfLink),
        (status = 404, description = "Unknown id, or a missing, wrong or expired receipt token.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn pdf_link(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = client_access(&req, &path, &state, false).await?;
    let until = Utc::now().timestamp() + PDF_LINK_SECS;
    let token = state.secret.sign_until(PDF_LINK, id.as_bytes(), until);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PdfLink {
            url: format!("/api/v1/submissions/{id}/consent.pdf?token={token}"),
            expires_at: chrono::DateTime::from_timestamp(until, 0).unwrap_or_default(),
        }))
}

/// `GET /api/v1/submissions/{id}`: the client's own submission.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "intake",
    params(("id" = String, Path, description = "The submission id (a UUID; anything else is 404).")),
    security(("receiptBearer" = [])),
    responses(
        (status = 200, description = "The client's own submission.", body = StoredSubmission),
        (status = 404, description = "Unknown id, or a missing, wrong or expired receipt token.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn get_submission(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = client_access(&req, &path, &state, false).await?;
    let row = service::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let submission: Submission = service::answers(&state.vault, &row)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(StoredSubmission {
            id: row.id,
            status: row.review_status()?,
            received_at: row.received_at,
            template_version: row.template_version,
            canonical_sha256: row.canonical_sha256,
            submission,
        }))
}

/// `GET /api/v1/submissions/{id}/consent.pdf`: the client's signed consent,
/// the same bytes every time. `inline` for printing, `?download=1` to save.
#[utoipa::path(get, path = "/api/v1/submissions/{id}/consent.pdf", tag = "intake",
    params(("id" = String, Path, description = "The submission id (a UUID; anything else is 404)."), ("download" = Option<String>, Query, description = "`1` or `true` for `Content-Disposition: attachment`.")),
    security(("receiptBearer" = []), ("pdfLink" = [])),
    responses(
        (status = 200, description = "The signed consent, the same bytes every time.", content_type = "application/pdf", body = PdfFile,
            headers(("Content-Disposition" = String), ("ETag" = String), ("Cache-Control" = String))),
        (status = 404, description = "Unknown id, or a missing, wrong or expired token.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn get_consent_pdf(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = client_access(&req, &path, &state, true).await?;
    let doc = service::consent_pdf(&state.db, &state.vault, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(pdf_response(&req, id, doc.pdf, &doc.sha256))
}

/// Largest PDF accepted for verification: a consent PDF is about 40 KB.
const MAX_VERIFY_BYTES: usize = 2_000_000;

/// `POST /api/v1/verify` with a PDF body: is it byte-identical to a stored
/// consent? Says only which submission and when it was signed.
#[utoipa::path(post, path = "/api/v1/verify", tag = "intake",
    request_body(content((PdfFile = "application/pdf"), (PdfFile = "application/octet-stream")),
        description = "The PDF, at most 2 MB."),
    responses(
        (status = 200, description = "Whether it is byte for byte a stored consent.", body = VerifyResult),
        (status = 408, description = "The body arrived too slowly.", body = ErrorBody),
        (status = 413, description = "Larger than 2 MB.", body = ErrorBody),
        (status = 429, description = "Too many checks from this address, or in all.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn verify_pdf(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .limiter
        .admit(client_addr(&req), Class::Verify)
        .await?;
    let body = body::read(
        &req,
        payload,
        MAX_VERIFY_BYTES,
        &["application/pdf", "application/octet-stream"],
    )
    .await?;
    let answer = match service::find_by_pdf(&state.db, &state.vault, &body).await? {
        Some(row) => VerifyResult {
            matched: true,
            submission_id: Some(row.id),
            signed_at: Some(row.received_at),
        },
        None => VerifyResult {
            matched: false,
            submission_id: None,
            signed_at: None,
        },
    };
    Ok(HttpResponse::Ok().json(answer))
}
