//! Invites over HTTP: staff create and list them; the client's link opens
//! a pre-filled intake.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use stipple_app::domain::{
    api::{ErrorBody, Invite, InviteList, NewInvite as CreateBody, PublicInvite},
    email_address, phone_number,
    states::{AuditAction, MailKind, MailStatus, WebhookEvent},
    FieldErrors,
};

use super::store::{self as invites, NewInvite};
use crate::{
    audit::Event,
    entities::invite as entity,
    http::{
        api_error::ApiError,
        body,
        routes::{client_addr, client_ip, Staff},
    },
    limits::Class,
    mail::NewMail,
    state::AppState,
    tokens::{Caller, Token},
    webhooks::Happened,
};

fn parse_appointment(raw: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn invite(i: &entity::Model, tz: chrono_tz::Tz) -> Invite {
    Invite {
        id: i.id,
        client_name: i.client_name.clone(),
        email: i.client_email.clone(),
        phone: i.client_phone.clone(),
        appointment_at: i.appointment_at,
        appointment_local: i
            .appointment_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        expires_at: i.expires_at,
        created_at: i.created_at,
        status: invites::status(i, Utc::now()),
        submission_id: i.submission_id,
        link: None,
    }
}

/// An invite request that passed every check.
struct Checked {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    appointment_at: DateTime<Utc>,
    send_email: bool,
    language: Option<String>,
}

/// A language tag as BCP 47 writes them: `en`, `pt-BR`, `zh-Hant-TW`.
fn language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && tag.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn parse_body(bytes: &[u8]) -> Result<CreateBody, ApiError> {
    serde_json::from_slice(bytes).map_err(|_| {
        ApiError::BadRequest(
            r#"Send JSON like {"client_name": "…", "email": "…", "appointment_at": "2026-12-01T10:00"}"#.into(),
        )
    })
}

fn check(b: CreateBody, tz: chrono_tz::Tz) -> Result<Checked, ApiError> {
    let mut errors = FieldErrors::default();
    let name = b.client_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        errors.add(
            "client_name",
            "Enter the client's name (one line, at most 120 characters)",
        );
    }
    let email = blank_to_none(b.email).map(|e| e.to_lowercase());
    if let Some(e) = &email {
        if let Err(err) = email_address(e) {
            errors.add(
                "email",
                err.message.map(|m| m.to_string()).unwrap_or_default(),
            );
        }
    }
    let phone = blank_to_none(b.phone);
    if let Some(p) = &phone {
        if let Err(err) = phone_number(p) {
            errors.add(
                "phone",
                err.message.map(|m| m.to_string()).unwrap_or_default(),
            );
        }
    }
    if email.is_none() && phone.is_none() {
        errors.add("email", "Give an e-mail address or a phone number");
    }
    if b.send_email && email.is_none() {
        errors.add("email", "An e-mail address is needed to send the link");
    }
    let language = blank_to_none(b.language);
    if language.as_deref().is_some_and(|l| !language_tag(l)) {
        errors.add("language", "Give a language tag such as en, es or pt-BR");
    }
    let appointment_at = parse_appointment(&b.appointment_at, tz);
    match appointment_at {
        None => errors.add("appointment_at", "Enter the appointment date and time"),
        Some(t) if t < Utc::now() => errors.add("appointment_at", "The appointment is in the past"),
        Some(_) => {}
    }
    errors.into_result().map_err(ApiError::Invalid)?;
    Ok(Checked {
        name,
        email,
        phone,
        appointment_at: appointment_at.expect("checked above"),
        send_email: b.send_email,
        language,
    })
}

/// Stores a checked invite (and queues its e-mail) in the caller's
/// transaction; the answer holds the one-time link.
async fn store(
    txn: &DatabaseTransaction,
    req: &HttpRequest,
    state: &AppState,
    c: Checked,
    caller: &Caller,
) -> Result<Invite, ApiError> {
    let tz = state.settings.timezone;
    let base = crate::http::routes::public_base(req, state);
    let staff_id = match caller {
        Caller::Staff(who) => Some(who.id),
        Caller::Token(_) => None,
    };
    let (mut row, token) = invites::create(
        txn,
        NewInvite {
            client_name: c.name.clone(),
            client_email: c.email.clone(),
            client_phone: c.phone,
            appointment_at: c.appointment_at,
            language: c.language,
        },
        state.settings.invite_days,
        staff_id,
    )
    .await?;
    let link = format!("{base}/intake/{token}");
    caller
        .event(AuditAction::InviteCreated, req, None)
        .invite(row.id)
        .record(txn)
        .await?;
    if c.send_email {
        let when = c
            .appointment_at
            .with_timezone(&tz)
            .format("%A %-d %B %Y at %H:%M");
        let clinic = state.templates.current().clinic_name.clone();
        let name = c.name;
        NewMail {
            submission_id: None,
            invite_id: Some(row.id),
            kind: MailKind::Invite,
            to_address: c.email.clone().expect("checked above"),
            to_name: name.clone(),
            subject: format!("Your appointment at {clinic}: please fill in the intake"),
            body_text: format!(
                "Dear {name},\n\nYour appointment at {clinic} is on {when}.\n\n\
                 Before you come, please answer a few questions and read and sign the consent here:\n\
                 {link}\n\nIt takes about ten minutes and works on your phone. The link is personal: \
                 please do not share it. It can be used once and expires in {days} days.\n",
                days = state.settings.invite_days,
            ),
            attach_consent_pdf: false,
            status: MailStatus::Queued,
        }
        .enqueue(txn, &state.vault)
        .await?;
        invites::mark_emailed(txn, row.id).await?;
        row.emailed_at = Some(Utc::now());
        caller
            .event(AuditAction::InviteEmailed, req, None)
            .invite(row.id)
            .record(txn)
            .await?;
    }
    Ok(Invite {
        link: Some(link),
        ..invite(&row, tz)
    })
}

fn created(body: &Invite) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// `POST /api/v1/staff/invites`.
#[utoipa::path(post, path = "/api/v1/staff/invites", tag = "staff", request_body = CreateBody,
    responses(
        (status = 201, description = "The invite with its one-time `link`.", body = Invite),
        (status = 422, description = "Fields to correct.", body = ErrorBody),
    ))]
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 16 * 1024).await?;
    let c = check(parse_body(&bytes)?, state.settings.timezone)?;
    let send = c.send_email;
    let txn = state.db.begin().await?;
    let out = store(&txn, &req, &state, c, &Caller::Staff(staff.0)).await?;
    txn.commit().await?;
    if send {
        state.mail.wake();
    }
    Ok(created(&out))
}

/// `POST /api/v1/invites` (API token with `invites:write`): a booking
/// system books an appointment invite. With an `Idempotency-Key` header,
/// a retry of the same request within a day gets the first answer again
/// (header `Idempotent-Replayed: true`) and no second invite.
#[utoipa::path(post, path = "/api/v1/invites", tag = "integrations", request_body = CreateBody,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "1 to 255 visible ASCII characters, unique per request (a UUID, say).")),
    responses(
        (status = 201, description = "The invite with its one-time `link` (the same answer on a replay).", body = Invite),
        (status = 422, description = "Fields to correct, or the key was used with another request.", body = ErrorBody),
    ))]
pub async fn create_for_token(
    req: HttpRequest,
    payload: web::Payload,
    token: Token,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    use crate::entities::api_idempotency as keys;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let key = match req.headers().get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::to_string)
                .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| {
                    ApiError::BadRequest(
                        "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
                    )
                })?,
        ),
    };
    let bytes = body::read_json(&req, payload, 16 * 1024).await?;
    let fingerprint = crate::secret::sha256_hex(&String::from_utf8_lossy(&bytes));
    let token = token.0;
    let replay = |found: keys::Model| -> Result<HttpResponse, ApiError> {
        if found.request_sha256 != fingerprint {
            let mut errors = FieldErrors::default();
            errors.add("", "This Idempotency-Key was used with a different request: use a new key for a new invite");
            return Err(ApiError::Invalid(errors));
        }
        let body = state
            .vault
            .open_text(
                crate::vault::at::idempotent_response(found.invite_id),
                &found.response,
            )
            .map_err(sea_orm::DbErr::from)?;
        Ok(HttpResponse::Created()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header(("Idempotent-Replayed", "true"))
            .content_type("application/json")
            .body(body))
    };
    if let Some(k) = &key {
        if let Some(found) = keys::Entity::find_by_id((token.id, k.clone()))
            .one(&state.db)
            .await?
        {
            return replay(found);
        }
    }
    let c = check(parse_body(&bytes)?, state.settings.timezone)?;
    let send = c.send_email;
    let txn = state.db.begin().await?;
    let out = store(&txn, &req, &state, c, &Caller::Token(token.clone())).await?;
    if let Some(k) = &key {
        let json = serde_json::to_string(&out).expect("an invite serialises");
        let stored = keys::Entity::insert(keys::ActiveModel {
            token_id: Set(token.id),
            key: Set(k.clone()),
            request_sha256: Set(fingerprint.clone()),
            invite_id: Set(out.id),
            response: Set(state
                .vault
                .seal_text(crate::vault::at::idempotent_response(out.id), &json)),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(&txn)
        .await;
        if stored.is_err() {
            // The same key arrived twice at once and the other request
            // stored first: this one's invite is dropped, its answer given.
            txn.rollback().await?;
            let found = keys::Entity::find_by_id((token.id, k.clone()))
                .one(&state.db)
                .await?
                .ok_or(ApiError::Conflict(
                    "The same Idempotency-Key is in use: retry",
                ))?;
            return replay(found);
        }
    }
    txn.commit().await?;
    if send {
        state.mail.wake();
    }
    Ok(created(&out))
}

/// `GET /api/v1/staff/invites`: the most recent invites and how far each got.
#[utoipa::path(get, path = "/api/v1/staff/invites", tag = "staff",
    responses((status = 200, description = "The 200 newest invites.", body = InviteList)))]
pub async fn list(_caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    use crate::entities::submission;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let tz = state.settings.timezone;
    let rows = invites::recent(&state.db, 200).await?;
    // A used invite no longer holds a name: the submission's is shown.
    let used: Vec<uuid::Uuid> = rows.iter().filter_map(|i| i.submission_id).collect();
    let names: std::collections::HashMap<uuid::Uuid, String> = submission::Entity::find()
        .select_only()
        .columns([submission::Column::Id, submission::Column::ClientName])
        .filter(submission::Column::Id.is_in(used))
        .into_tuple::<(uuid::Uuid, String)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .iter()
        .map(|i| {
            let mut shown = invite(i, tz);
            if let Some(name) = i.submission_id.and_then(|s| names.get(&s)) {
                shown.client_name = name.clone();
            }
            shown
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(InviteList { items }))
}

/// `GET /api/v1/invites/{token}` (public): what the intake is pre-filled
/// with. Unknown links 404; used or expired ones 410 with the reason.
#[utoipa::path(get, path = "/api/v1/invites/{token}", tag = "intake",
    params(("token" = String, Path, description = "The private token of the invite link.")),
    responses(
        (status = 200, description = "What the invite fills in; the invite counts as opened.", body = PublicInvite),
        (status = 404, description = "No such invite.", body = ErrorBody),
        (status = 410, description = "Used or expired, with the reason.", body = ErrorBody),
        (status = 429, description = "Too many requests from this address, or in all.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn open(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.admit(client_addr(&req), Class::Read).await?;
    let invite = invites::by_token(&state.db, &path)
        .await?
        .ok_or(ApiError::Missing(
            "This invitation link is not valid. Check the link, or fill in the intake without it.",
        ))?;
    if let Some(why) = invites::unusable(&invite, Utc::now()) {
        return Err(ApiError::Gone(why.into()));
    }
    let txn = state.db.begin().await?;
    if invites::mark_opened(&txn, invite.id).await? {
        Happened::invite(WebhookEvent::InviteOpened, invite.id, None)
            .queue(&txn)
            .await?;
    }
    txn.commit().await?;
    state.webhooks.notify_one();
    let tz = state.settings.timezone;
    let local = invite.appointment_at.with_timezone(&tz);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PublicInvite {
            client_name: invite.client_name,
            email: invite.client_email,
            phone: invite.client_phone,
            appointment_at: invite.appointment_at,
            appointment_date: local.date_naive(),
            appointment_local: local.format("%A %-d %B %Y, %H:%M").to_string(),
        }))
}

/// `DELETE /api/v1/staff/invites/{id}`: deletes the invite and the
/// invitation e-mail; the link stops working. A submission made through it
/// is kept (it no longer shows the booked appointment).
#[utoipa::path(delete, path = "/api/v1/staff/invites/{id}", tag = "staff",
    params(("id" = String, Path, description = "The invite id (a UUID; anything else is 404).")),
    responses(
        (status = 204, description = "Deleted; the audit log keeps a tombstone."),
        (status = 404, description = "No such invite.", body = ErrorBody),
    ))]
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = uuid::Uuid::parse_str(&path).map_err(|_| ApiError::NotFound)?;
    let txn = state.db.begin().await?;
    let Some(mail_ids) = invites::delete(&txn, id).await? else {
        return Err(ApiError::NotFound);
    };
    Event::new(
        AuditAction::InviteDeleted,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .invite(id)
    .record(&txn)
    .await?;
    txn.commit().await?;
    crate::mail::after_erasure(
        &state.db,
        &state.settings.data_dir.join("outbox"),
        &mail_ids,
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}
