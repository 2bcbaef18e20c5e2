//! Storing submissions: idempotent by the client's id, with signing evidence.

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use sha2::{Digest, Sha256};
use stipple_app::domain::{
    flags,
    states::{MailKind, MailStatus, ReviewStatus, WebhookEvent},
    ConsentTemplate, Submission,
};
use uuid::Uuid;

use super::consent_doc;
use crate::{
    config::Settings,
    consent_pdf,
    entities::{
        consent_pdf as pdf_entity, invite, mail_message as mail_entity,
        submission::{self as entity, search_text},
    },
    invites::store as invites,
    limits::Limiter,
    mail,
    vault::{at, Vault},
    webhooks::Happened,
};

/// How the request arrived: kept as evidence of signing.
pub struct Evidence {
    pub received_at: DateTime<Utc>,
    pub client_ip: Option<String>,
    /// The same address, for the limits on mailed copies.
    pub address: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
}

pub enum Stored {
    /// A new submission was written; `mail_queued` if its copy is on its way.
    Created {
        row: entity::Model,
        mail_queued: bool,
    },
    /// The same id with the same content was already stored.
    Replayed(entity::Model),
    /// The same id with different content: refused.
    Conflict,
    /// The invite was used up by another submission meanwhile.
    InviteUsed,
}

pub fn canonical_sha256(s: &Submission) -> String {
    hex::encode(Sha256::digest(s.canonical_json()))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error("the consent PDF could not be made: {0}")]
    Pdf(String),
}

/// Stores a checked submission unless its id is already known: the
/// submission, its consent PDF and the client's e-mail copy are written in
/// one transaction, so none exists without the others.
/// The submission as the client sent it, opened.
pub fn answers(vault: &Vault, row: &entity::Model) -> Result<Submission, sea_orm::DbErr> {
    let json = vault.open_text(at::answers(row.id), &row.answers)?;
    serde_json::from_str(&json).map_err(|e| sea_orm::DbErr::Custom(format!("stored answers: {e}")))
}

/// The signature image, opened.
pub fn signature_png(vault: &Vault, row: &entity::Model) -> Result<Vec<u8>, sea_orm::DbErr> {
    Ok(vault.open(at::signature(row.id), &row.signature_png)?)
}

/// Where records are kept: the database, and the key they are sealed with.
#[derive(Clone, Copy)]
pub struct Storage<'a> {
    pub db: &'a DatabaseConnection,
    pub vault: &'a Vault,
}

pub async fn store(
    Storage { db, vault }: Storage<'_>,
    settings: &Settings,
    limiter: &Limiter,
    submission: &Submission,
    template: &ConsentTemplate,
    evidence: Evidence,
    invite: Option<&invite::Model>,
) -> Result<Stored, StoreError> {
    // The handler answers known ids before the rules run; an id stored in
    // the meantime makes the insert fail and is answered below.
    let hash = canonical_sha256(submission);
    let received_at = evidence.received_at;
    let png = base64::engine::general_purpose::STANDARD
        .decode(
            submission
                .signature
                .png_base64
                .trim_start_matches("data:image/png;base64,")
                .trim(),
        )
        .unwrap_or_default();
    // Rendering takes milliseconds of CPU: keep it off the async threads.
    let input = consent_doc::pdf_input(
        submission,
        template,
        &evidence,
        png.clone(),
        &hash,
        settings,
    );
    let pdf = tokio::task::spawn_blocking(move || consent_pdf::render(&input))
        .await
        .map_err(|e| StoreError::Pdf(e.to_string()))?
        .map_err(|e| StoreError::Pdf(e.to_string()))?;
    let pdf_sha = hex::encode(Sha256::digest(&pdf));
    let c = &submission.client;
    let row = entity::ActiveModel {
        id: Set(submission.id),
        status: Set(ReviewStatus::New.as_str().into()),
        client_name: Set(c.full_name.trim().to_string()),
        client_email: Set(c
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_lowercase)),
        client_phone: Set(c.phone.clone().filter(|p| !p.trim().is_empty())),
        date_of_birth: Set(c.date_of_birth),
        // The invite's appointment is the one booked; else the client's wish.
        appointment_date: Set(invite
            .map(|i| {
                i.appointment_at
                    .with_timezone(&settings.timezone)
                    .date_naive()
            })
            .or(submission.appointment.preferred_date)),
        answers: Set(vault.seal_text(
            at::answers(submission.id),
            &serde_json::to_string(submission).expect("submissions serialise"),
        )),
        template_version: Set(template.version.clone()),
        template_content: Set(serde_json::to_value(template).expect("templates serialise")),
        signature_png: Set(vault.seal(at::signature(submission.id), &png)),
        signature_strokes: Set(vault.seal_text(
            at::strokes(submission.id),
            &serde_json::to_string(&submission.signature.strokes).expect("strokes serialise"),
        )),
        received_at: Set(evidence.received_at),
        client_ip: Set(evidence.client_ip.clone()),
        user_agent: Set(evidence.user_agent),
        canonical_sha256: Set(hash.clone()),
        status_changed_at: Set(None),
        status_changed_by: Set(None),
        invite_id: Set(invite.map(|i| i.id)),
        search_text: Set(search_text(
            &c.full_name,
            c.email.as_deref(),
            c.phone.as_deref(),
        )),
        flags: Set(Some(
            serde_json::to_value(flags(
                submission,
                received_at.with_timezone(&settings.timezone).date_naive(),
            ))
            .expect("flags serialise"),
        )),
        // Linked to a client record only when staff confirm a match.
        client_id: Set(None),
    };
    let mut mail = mail::consent_copy(submission, template);
    if let Some(m) = &mut mail {
        if !copy_allowed(limiter, settings, &m.to_address, evidence.address).await? {
            // Stored and answered as usual; the client downloads the copy.
            m.status = MailStatus::Limited;
        }
    }
    let mail_queued = mail
        .as_ref()
        .is_some_and(|m| m.status == MailStatus::Queued);
    let written = async {
        let txn = db.begin().await?;
        let model = entity::Entity::insert(row)
            .exec_with_returning(&txn)
            .await?;
        pdf_entity::Entity::insert(pdf_entity::ActiveModel {
            submission_id: Set(submission.id),
            pdf: Set(vault.seal(at::pdf(submission.id), &pdf)),
            sha256: Set(pdf_sha),
            created_at: Set(received_at),
        })
        .exec_without_returning(&txn)
        .await?;
        if let Some(m) = mail {
            m.enqueue(&txn, vault).await?;
        }
        let mut created = Happened::submission(
            WebhookEvent::SubmissionCreated,
            submission.id,
            Some(ReviewStatus::New.as_str()),
        );
        if let Some(i) = invite {
            if !invites::use_up(&txn, i.id, submission.id).await? {
                return Ok(None);
            }
            created.data["invite_id"] = serde_json::json!(i.id);
            Happened::invite(WebhookEvent::InviteSubmitted, i.id, Some(submission.id))
                .queue(&txn)
                .await?;
        }
        created.queue(&txn).await?;
        txn.commit().await?;
        Ok::<_, sea_orm::DbErr>(Some(model))
    }
    .await;
    match written {
        Ok(Some(row)) => Ok(Stored::Created { row, mail_queued }),
        Ok(None) => Ok(Stored::InviteUsed),
        Err(e) => {
            // Two sends of the same id raced: the loser reads the winner's row.
            match entity::Entity::find_by_id(submission.id).one(db).await? {
                Some(existing) => Ok(same_or_conflict(existing, &hash)),
                None => Err(e.into()),
            }
        }
    }
}

/// Whether the client's copy may be mailed: a cap per recipient and per
/// client address, so the intake cannot be used to send the clinic's mail
/// to strangers.
async fn copy_allowed(
    limiter: &Limiter,
    settings: &Settings,
    recipient: &str,
    address: Option<std::net::IpAddr>,
) -> Result<bool, sea_orm::DbErr> {
    let limits = &settings.limits;
    if !limiter
        .take(
            "mail-to",
            &recipient.to_lowercase(),
            limits.mail_per_recipient,
        )
        .await?
    {
        return Ok(false);
    }
    match address {
        Some(ip) => {
            limiter
                .take(
                    "mail-from",
                    &limiter.address_key(ip),
                    limits.mail_per_address,
                )
                .await
        }
        None => Ok(true),
    }
}

/// What became of the client's e-mailed copy, as the receipt reports it.
pub async fn email_copy(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<MailStatus>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = mail_entity::Entity::find()
        .filter(mail_entity::Column::SubmissionId.eq(id))
        .filter(mail_entity::Column::Kind.eq(MailKind::ConsentCopy.as_str()))
        .one(db)
        .await?;
    Ok(row
        .and_then(|r| r.kind_and_status().ok())
        .map(|(_, s)| match s {
            // The client is told only: on its way, or download it instead.
            MailStatus::Limited => MailStatus::Limited,
            _ => MailStatus::Queued,
        }))
}

/// The stored consent PDF of a submission, opened.
pub async fn consent_pdf(
    db: &impl sea_orm::ConnectionTrait,
    vault: &Vault,
    id: Uuid,
) -> Result<Option<pdf_entity::Model>, sea_orm::DbErr> {
    let Some(mut doc) = pdf_entity::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    doc.pdf = vault.open(at::pdf(id), &doc.pdf)?;
    Ok(Some(doc))
}

/// The submission whose stored PDF has exactly these bytes, if any.
pub async fn find_by_pdf(
    db: &DatabaseConnection,
    vault: &Vault,
    pdf: &[u8],
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let sha = hex::encode(Sha256::digest(pdf));
    let Some(doc) = pdf_entity::Entity::find()
        .filter(pdf_entity::Column::Sha256.eq(sha))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // Equal hashes are taken as equal files only after comparing the bytes.
    if vault.open(at::pdf(doc.submission_id), &doc.pdf)? != pdf {
        return Ok(None);
    }
    entity::Entity::find_by_id(doc.submission_id).one(db).await
}

pub fn same_or_conflict(existing: entity::Model, hash: &str) -> Stored {
    if existing.canonical_sha256 == hash {
        Stored::Replayed(existing)
    } else {
        Stored::Conflict
    }
}

pub async fn find(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}
