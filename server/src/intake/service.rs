//! Storing submissions: idempotent by the client's id, with signing evidence.

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use sha2::{Digest, Sha256};
use stipple_app::domain::{ConsentTemplate, Submission};
use uuid::Uuid;

use crate::entities::submission as entity;

pub const STATUS_NEW: &str = "new";

/// How the request arrived: kept as evidence of signing.
pub struct Evidence {
    pub received_at: DateTime<Utc>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

pub enum Stored {
    /// A new submission was written.
    Created(entity::Model),
    /// The same id with the same content was already stored.
    Replayed(entity::Model),
    /// The same id with different content: refused.
    Conflict,
}

pub fn canonical_sha256(s: &Submission) -> String {
    hex::encode(Sha256::digest(s.canonical_json()))
}

/// Stores a checked submission unless its id is already known.
pub async fn store(
    db: &DatabaseConnection,
    submission: &Submission,
    template: &ConsentTemplate,
    evidence: Evidence,
) -> Result<Stored, sea_orm::DbErr> {
    let hash = canonical_sha256(submission);
    if let Some(existing) = entity::Entity::find_by_id(submission.id).one(db).await? {
        return Ok(same_or_conflict(existing, &hash));
    }
    let png = base64::engine::general_purpose::STANDARD
        .decode(
            submission
                .signature
                .png_base64
                .trim_start_matches("data:image/png;base64,")
                .trim(),
        )
        .unwrap_or_default();
    let c = &submission.client;
    let row = entity::ActiveModel {
        id: Set(submission.id),
        status: Set(STATUS_NEW.into()),
        client_name: Set(c.full_name.trim().to_string()),
        client_email: Set(c
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_lowercase)),
        client_phone: Set(c.phone.clone().filter(|p| !p.trim().is_empty())),
        date_of_birth: Set(c.date_of_birth),
        appointment_date: Set(submission.appointment.preferred_date),
        answers: Set(serde_json::to_value(submission).expect("submissions serialise")),
        template_version: Set(template.version.clone()),
        template_content: Set(serde_json::to_value(template).expect("templates serialise")),
        signature_png: Set(png),
        signature_strokes: Set(
            serde_json::to_value(&submission.signature.strokes).expect("strokes serialise")
        ),
        received_at: Set(evidence.received_at),
        client_ip: Set(evidence.client_ip),
        user_agent: Set(evidence.user_agent),
        canonical_sha256: Set(hash.clone()),
    };
    match entity::Entity::insert(row).exec_with_returning(db).await {
        Ok(model) => Ok(Stored::Created(model)),
        Err(e) => {
            // Two sends of the same id raced: the loser reads the winner's row.
            match entity::Entity::find_by_id(submission.id).one(db).await? {
                Some(existing) => Ok(same_or_conflict(existing, &hash)),
                None => Err(e),
            }
        }
    }
}

fn same_or_conflict(existing: entity::Model, hash: &str) -> Stored {
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
