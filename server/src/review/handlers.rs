//! The review queue over HTTP: list, detail, status, notes, PDF, e-mail,
//! erase, CSV export.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use stipple_app::domain::{
    answers::answer_sections,
    api::wire,
    api::{
        AnswerRow, AnswerSection, BookedAppointment, DetailClient, ErrorBody, HistoryEntry,
        MailEntry, MailQueued, NewNote, Note, QueueItem, QueuePage, SignatureView,
        StatusChange as StatusBody, StatusChanged, SubmissionDetail,
    },
    states::{AuditAction, MailStatus, ReviewStatus},
    ConsentTemplate, FieldErrors, Submission,
};
use uuid::Uuid;

use super::queue::{self, Cursor, Filter, ListRow, StatusChange};
use crate::{
    audit::Event,
    entities::{audit_log, invite, mail_message, staff_user},
    http::{
        api_error::ApiError,
        body, csv_file,
        pdf::{pdf_response, wants_download, PdfFile},
        routes::{client_ip, path_id, Admin, Staff},
    },
    intake::service,
    mail,
    state::AppState,
    tokens::Caller,
};

const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 200;
const MAX_NOTE_CHARS: usize = 4000;
/// Room for a note of 4000 characters of any script, escaped.
const NOTE_BODY: usize = 64 * 1024;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Name, e-mail or phone digits.
    #[param(max_length = 200)]
    q: Option<String>,
    #[param(value_type = Option<ReviewStatus>)]
    status: Option<String>,
    /// Received on or after this clinic-calendar day (blank for any).
    #[param(pattern = r"^([+-]?[0-9]+-[0-9]{2}-[0-9]{2})?$")]
    from: Option<String>,
    /// Received on or before this clinic-calendar day (blank for any).
    #[param(pattern = r"^([+-]?[0-9]+-[0-9]{2}-[0-9]{2})?$")]
    to: Option<String>,
    /// The `next` of the previous page (not used by the export).
    after: Option<String>,
    /// Rows per page, default 50; below 1 counts as 1, above 200 as 200 (not
    /// used by the export).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    limit: Option<u32>,
}

/// The `{id}` of a submission's path, described once for the document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
// Describes the path only: the handler reads the raw segment itself.
#[allow(dead_code)]
pub struct SubmissionPath {
    /// The submission id (a UUID; anything else is 404).
    id: String,
}

/// What the audit log keeps of a list or export: how many rows and the
/// filters, and whether a search narrowed it, not what was searched (the
/// log must not keep a client's name).
fn filter_summary(filter: &Filter, rows: usize) -> String {
    let day = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
    format!(
        "{rows} rows; status {}; from {}; to {}; search {}",
        filter.status.map_or("any", ReviewStatus::as_str),
        day(filter.from),
        day(filter.to),
        if filter.q.is_some() { "yes" } else { "no" },
    )
}

fn parse_filter(q: &ListQuery) -> Result<Filter, ApiError> {
    let date = |name: &str, v: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        // Blank is "any day"; otherwise exactly the form the document states.
        match v.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => wire::parse_day(s).map(Some).ok_or_else(|| {
                ApiError::BadRequest(format!("`{name}` must be a date like 2026-11-30"))
            }),
        }
    };
    let status = match q.status.as_deref().map(str::trim) {
        None => None,
        Some(s) => Some(ReviewStatus::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!("`status` must be one of {}", status_names()))
        })?),
    };
    let q_text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if q_text.is_some_and(|s| s.chars().count() > 200) {
        return Err(ApiError::BadRequest("The search is too long".into()));
    }
    Ok(Filter {
        q: q_text.map(str::to_string),
        status,
        from: date("from", &q.from)?,
        to: date("to", &q.to)?,
    })
}

fn status_names() -> String {
    let names: Vec<&str> = ReviewStatus::ALL.iter().map(|s| s.as_str()).collect();
    names.join(", ")
}

fn queue_item(r: &ListRow) -> Result<QueueItem, ApiError> {
    Ok(QueueItem {
        id: r.id,
        client_name: r.client_name.clone(),
        client_email: r.client_email.clone(),
        client_phone: r.client_phone.clone(),
        received_at: r.received_at,
        appointment_date: r.appointment_date,
        status: ReviewStatus::parse(&r.status).ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("unknown review status `{}`", r.status))
        })?,
        flags: r.flags(),
    })
}

/// `GET /api/v1/staff/submissions`.
#[utoipa::path(get, path = "/api/v1/staff/submissions", tag = "staff",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of the queue, newest first.", body = QueuePage),
        (status = 400, description = "A query parameter is not valid.", body = ErrorBody),
    ))]
pub async fn list(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_filter(&query)?;
    let after = match query.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Cursor::decode(s).ok_or_else(|| {
            ApiError::BadRequest("`after` is not a cursor from this list".into())
        })?),
    };
    let limit = query
        .limit
        .map_or(DEFAULT_PAGE, u64::from)
        .clamp(1, MAX_PAGE);
    let (rows, next) =
        queue::page(&state.db, state.settings.timezone, &filter, after, limit).await?;
    let items: Vec<_> = rows.iter().map(queue_item).collect::<Result<_, _>>()?;
    // Who saw which clients' names is part of the record; an empty page
    // showed no one.
    if !items.is_empty() {
        caller
            .event(
                AuditAction::QueueListed,
                &req,
                Some(filter_summary(&filter, items.len())),
            )
            .record(&state.db)
            .await?;
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(QueuePage {
            items,
            next: next.map(|c| c.encode()),
        }))
}

/// `GET /api/v1/staff/submissions/{id}`: everything staff need to review.
#[utoipa::path(get, path = "/api/v1/staff/submissions/{id}", tag = "staff",
    params(SubmissionPath),
    responses(
        (status = 200, description = "Everything about one submission (the view is audited).", body = SubmissionDetail),
        (status = 404, description = "No such submission.", body = ErrorBody),
    ))]
pub async fn detail(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let db = &state.db;
    let row = service::find(db, id).await?.ok_or(ApiError::NotFound)?;
    let names = staff_user::names(db).await?;
    let name_of = |id: Option<Uuid>| id.and_then(|i| names.get(&i).cloned());
    let flags = queue::stored_flags(&row);
    let submission = service::answers(&state.vault, &row)?;
    let sections = answer_sections(&submission)
        .into_iter()
        .map(|sec| AnswerSection {
            title: sec.title.to_string(),
            rows: sec
                .rows
                .into_iter()
                .map(|(question, answer)| AnswerRow { question, answer })
                .collect(),
        })
        .collect();
    let typed_name = submission.signature.typed_name.clone();
    let notes = queue::notes(db, &state.vault, id)
        .await?
        .into_iter()
        .map(|n| Note {
            id: n.id,
            author: name_of(Some(n.author_id)),
            text: n.text,
            created_at: n.created_at,
        })
        .collect();
    let mail = mail_message::Entity::find()
        .filter(mail_message::Column::SubmissionId.eq(id))
        .order_by_asc(mail_message::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let (kind, status) = m.kind_and_status()?;
            Ok(MailEntry {
                id: m.id,
                kind,
                to_address: m.to_address,
                status,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: m.created_at,
                sent_at: m.sent_at,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let history = audit_log::Entity::find()
        .filter(audit_log::Column::SubmissionId.eq(id))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            Ok(HistoryEntry {
                action: a.audit_action()?,
                at: a.at,
                staff: name_of(a.staff_id),
                detail: a.detail,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let appointment = match row.invite_id {
        Some(invite_id) => invite::Entity::find_by_id(invite_id)
            .one(db)
            .await?
            .map(|i| BookedAppointment {
                invite_id: i.id,
                appointment_at: i.appointment_at,
            }),
        None => None,
    };
    caller
        .event(AuditAction::SubmissionViewed, &req, None)
        .submission(id)
        .record(db)
        .await?;
    let png = base64::engine::general_purpose::STANDARD
        .encode(service::signature_png(&state.vault, &row)?);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SubmissionDetail {
            id: row.id,
            status: row.review_status()?,
            status_changed_at: row.status_changed_at,
            status_changed_by: name_of(row.status_changed_by),
            received_at: row.received_at,
            client: DetailClient {
                full_name: row.client_name,
                email: row.client_email,
                phone: row.client_phone,
                date_of_birth: row.date_of_birth,
            },
            appointment_date: row.appointment_date,
            appointment,
            template_version: row.template_version,
            canonical_sha256: row.canonical_sha256,
            flags,
            sections,
            signature: SignatureView {
                typed_name,
                png_data_url: format!("data:image/png;base64,{png}"),
            },
            notes,
            mail,
            history,
        }))
}

/// A note's text, checked: one to 4000 characters, no control characters
/// other than line breaks.
fn note_text(raw: Option<&str>, path: &str) -> Result<Option<String>, ApiError> {
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let mut errors = FieldErrors::default();
    if t.chars().count() > MAX_NOTE_CHARS {
        errors.add(path, "Keep notes under 4000 characters");
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(path, "Remove the special characters");
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    Ok(Some(t.to_string()))
}

/// `POST /api/v1/staff/submissions/{id}/status` with `{"status", "note"?}`.
#[utoipa::path(post, path = "/api/v1/staff/submissions/{id}/status", tag = "staff",
    params(SubmissionPath), request_body = StatusBody,
    responses(
        (status = 200, description = "Moved.", body = StatusChanged),
        (status = 404, description = "No such submission.", body = ErrorBody),
        (status = 409, description = "Not a move allowed from the current status.", body = ErrorBody),
        (status = 422, description = "Unknown status, a note that breaks a rule, or a stop flag cleared without a note.", body = ErrorBody),
    ))]
pub async fn set_status(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let body: StatusBody = body::json(
        &req,
        payload,
        state.settings.max_body_bytes.min(NOTE_BODY),
        || r#"{"status": "cleared", "note": "…"}"#.into(),
    )
    .await?;
    let Some(to) = ReviewStatus::parse(&body.status) else {
        let mut e = FieldErrors::default();
        e.add("status", format!("Choose one of {}", status_names()));
        return Err(ApiError::Invalid(e));
    };
    let note = note_text(body.note.as_deref(), "note")?;
    match queue::change_status(
        &state.db,
        &state.vault,
        id,
        to,
        note.as_deref(),
        staff.0.id,
        client_ip(&req),
    )
    .await?
    {
        StatusChange::Done(row) => {
            state.webhooks.notify_one();
            Ok(HttpResponse::Ok().json(StatusChanged {
                id: row.id,
                status: row.review_status()?,
                status_changed_at: row.status_changed_at,
                status_changed_by: staff.0.name,
            }))
        }
        StatusChange::NotFound => Err(ApiError::NotFound),
        StatusChange::NotAllowed(from) => Err(ApiError::ConflictMessage(format!(
            "A submission that is `{}` cannot become `{}`",
            from.as_str(),
            to.as_str()
        ))),
        StatusChange::NoteRequired => {
            let mut e = FieldErrors::default();
            e.add(
                "note",
                "This submission has a stop flag: say in a note why it can be cleared",
            );
            Err(ApiError::Invalid(e))
        }
    }
}

/// `POST /api/v1/staff/submissions/{id}/notes` with `{"text"}`: append-only.
#[utoipa::path(post, path = "/api/v1/staff/submissions/{id}/notes", tag = "staff",
    params(SubmissionPath), request_body = NewNote,
    responses(
        (status = 201, description = "Added (notes are append-only).", body = Note),
        (status = 404, description = "No such submission.", body = ErrorBody),
        (status = 422, description = "Empty, too long or with control characters.", body = ErrorBody),
    ))]
pub async fn add_note(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let body: NewNote = body::json(
        &req,
        payload,
        state.settings.max_body_bytes.min(NOTE_BODY),
        || r#"{"text": "…"}"#.into(),
    )
    .await?;
    let Some(text) = note_text(Some(&body.text), "text")? else {
        let mut e = FieldErrors::default();
        e.add("text", "Write the note first");
        return Err(ApiError::Invalid(e));
    };
    service::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let note = queue::add_note(&state.db, &state.vault, id, staff.0.id, &text).await?;
    Event::new(
        AuditAction::NoteAdded,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .submission(id)
    .record(&state.db)
    .await?;
    Ok(HttpResponse::Created().json(Note {
        id: note.id,
        author: Some(staff.0.name),
        text: note.text,
        created_at: note.created_at,
    }))
}

/// `GET /api/v1/staff/submissions/{id}/consent.pdf` (`?download=1` to save).
#[utoipa::path(get, path = "/api/v1/staff/submissions/{id}/consent.pdf", tag = "staff",
    params(SubmissionPath, ("download" = Option<String>, Query, description = "`1` or `true` for `Content-Disposition: attachment`.")),
    responses(
        (status = 200, description = "The signed consent (the view is audited).", content_type = "application/pdf", body = PdfFile,
            headers(("Content-Disposition" = String), ("ETag" = String), ("Cache-Control" = String))),
        (status = 404, description = "No such submission.", body = ErrorBody),
    ))]
pub async fn consent_pdf(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let doc = service::consent_pdf(&state.db, &state.vault, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The same reading of `download` as the response's disposition.
    let action = if wants_download(&req) {
        AuditAction::PdfDownloaded
    } else {
        AuditAction::PdfViewed
    };
    Event::new(action, Some(staff.0.id), Some(client_ip(&req)))
        .submission(id)
        .record(&state.db)
        .await?;
    Ok(pdf_response(&req, id, doc.pdf, &doc.sha256))
}

/// `POST /api/v1/staff/submissions/{id}/email`: queues the signed consent
/// to the client's address again.
#[utoipa::path(post, path = "/api/v1/staff/submissions/{id}/email", tag = "staff",
    params(SubmissionPath),
    responses(
        (status = 202, description = "The signed consent is queued to the client's address.", body = MailQueued),
        (status = 404, description = "No such submission.", body = ErrorBody),
        (status = 422, description = "The client gave no e-mail address.", body = ErrorBody),
        (status = 500, description = "The stored record could not be read.", body = ErrorBody),
    ))]
pub async fn email_pdf(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let row = service::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let submission: Submission = service::answers(&state.vault, &row)?;
    let template: ConsentTemplate = serde_json::from_value(row.template_content.clone())
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    let Some(message) = mail::consent_copy(&submission, &template) else {
        let mut e = FieldErrors::default();
        e.add("client.email", "This client gave no e-mail address");
        return Err(ApiError::Invalid(e));
    };
    let to = message.to_address.clone();
    let mail_id = message.enqueue(&state.db, &state.vault).await?;
    // No address in the log: it must hold no personal data once a
    // submission is erased.
    Event::new(
        AuditAction::PdfEmailed,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .submission(id)
    .detail(format!("mail {mail_id}"))
    .record(&state.db)
    .await?;
    state.mail.wake();
    Ok(HttpResponse::Accepted().json(MailQueued {
        mail_id,
        status: MailStatus::Queued,
        to,
    }))
}

/// `DELETE /api/v1/staff/submissions/{id}` (admin): erases the personal data.
#[utoipa::path(delete, path = "/api/v1/staff/submissions/{id}", tag = "staff",
    params(SubmissionPath),
    responses(
        (status = 204, description = "Erased; the audit log keeps a tombstone."),
        (status = 404, description = "No such submission.", body = ErrorBody),
    ))]
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let Some(mail_ids) =
        queue::erase(&state.db, id, Some((admin.0.id, client_ip(&req))), "").await?
    else {
        return Err(ApiError::NotFound);
    };
    // Gone from every file: the outbox, and the WAL's older copies.
    crate::mail::after_erasure(
        &state.db,
        &state.settings.data_dir.join("outbox"),
        &mail_ids,
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/staff/export.csv` (admin): the filtered list, no signatures.
#[utoipa::path(get, path = "/api/v1/staff/export.csv", tag = "staff",
    params(ListQuery),
    responses(
        (status = 200, description = "The filtered list (no signatures; formula-like cells defused).", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String))),
        (status = 400, description = "A query parameter is not valid.", body = ErrorBody),
        (status = 500, description = "The file could not be written.", body = ErrorBody),
    ))]
pub async fn export_csv(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_filter(&query)?;
    let rows = queue::all(&state.db, state.settings.timezone, &filter).await?;
    let header = [
        "id",
        "received_at",
        "client_name",
        "client_email",
        "client_phone",
        "appointment_date",
        "status",
        "flags",
    ]
    .map(String::from);
    let lines = rows.iter().map(|r| {
        let flags: Vec<String> = r
            .flags()
            .iter()
            .map(|f| format!("{}:{}", f.severity.as_str(), f.code))
            .collect();
        [
            r.id.to_string(),
            r.received_at.to_rfc3339(),
            csv_file::cell(&r.client_name),
            csv_file::cell(r.client_email.as_deref().unwrap_or("")),
            csv_file::cell(r.client_phone.as_deref().unwrap_or("")),
            r.appointment_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.status.clone(),
            flags.join(" "),
        ]
    });
    let response = csv_file::response("submissions.csv", std::iter::once(header).chain(lines))?;
    Event::new(
        AuditAction::Exported,
        Some(admin.0.id),
        Some(client_ip(&req)),
    )
    .detail(filter_summary(&filter, rows.len()))
    .record(&state.db)
    .await?;
    Ok(response)
}
