//! Appointment invites: a private link `/intake/{token}` that opens the
//! intake pre-filled and ties the submission to the appointment. The token
//! (256 random bits) is shown once; only its hash is kept.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use stipple_app::domain::states::InviteStatus;

use crate::{
    entities::invite as entity,
    secret::{random_token, sha256_hex},
};

/// A checked request for an invite.
pub struct NewInvite {
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub appointment_at: DateTime<Utc>,
    pub language: Option<String>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewInvite,
    valid_days: u32,
    staff_id: Option<Uuid>,
) -> Result<(entity::Model, String), DbErr> {
    let token = random_token();
    let now = Utc::now();
    let row = entity::Entity::insert(entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_sha256: Set(sha256_hex(&token)),
        client_name: Set(new.client_name),
        client_email: Set(new.client_email),
        client_phone: Set(new.client_phone),
        appointment_at: Set(new.appointment_at),
        expires_at: Set(now + Duration::days(i64::from(valid_days))),
        created_by: Set(staff_id),
        created_at: Set(now),
        emailed_at: Set(None),
        opened_at: Set(None),
        submitted_at: Set(None),
        submission_id: Set(None),
        language: Set(new.language),
        expiry_announced_at: Set(None),
    })
    .exec_with_returning(db)
    .await?;
    Ok((row, token))
}

/// created, emailed, opened, submitted or expired: the furthest it got.
pub fn status(i: &entity::Model, now: DateTime<Utc>) -> InviteStatus {
    if i.submitted_at.is_some() {
        InviteStatus::Submitted
    } else if now >= i.expires_at {
        InviteStatus::Expired
    } else if i.opened_at.is_some() {
        InviteStatus::Opened
    } else if i.emailed_at.is_some() {
        InviteStatus::Emailed
    } else {
        InviteStatus::Created
    }
}

pub async fn recent(db: &DatabaseConnection, limit: u64) -> Result<Vec<entity::Model>, DbErr> {
    entity::Entity::find()
        .order_by_desc(entity::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

pub async fn by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<entity::Model>, DbErr> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    entity::Entity::find()
        .filter(entity::Column::TokenSha256.eq(sha256_hex(token)))
        .one(db)
        .await
}

/// Why an invite cannot be used (the client sees this text).
pub fn unusable(i: &entity::Model, now: DateTime<Utc>) -> Option<&'static str> {
    if i.submission_id.is_some() || i.submitted_at.is_some() {
        Some("This invitation link has already been used. Ask the clinic for a new one if you need to change your answers.")
    } else if now >= i.expires_at {
        Some("This invitation link has expired. Ask the clinic for a new one, or fill in the intake without it.")
    } else {
        None
    }
}

/// Records the first opening; `true` if this was it.
pub async fn mark_opened(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::OpenedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::OpenedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn mark_emailed(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    entity::Entity::update_many()
        .col_expr(entity::Column::EmailedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Uses the invite up for `submission_id` (inside the submission's
/// transaction). `false` if another submission took it first. The name and
/// contact staff typed are dropped: the submission holds the client's own,
/// and an invite keeps only the appointment it booked.
pub async fn use_up(
    db: &impl ConnectionTrait,
    id: Uuid,
    submission_id: Uuid,
) -> Result<bool, DbErr> {
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::SubmittedAt, Expr::value(Utc::now()))
        .col_expr(entity::Column::SubmissionId, Expr::value(submission_id))
        .col_expr(entity::Column::ClientName, Expr::value(""))
        .col_expr(
            entity::Column::ClientEmail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            entity::Column::ClientPhone,
            Expr::value(Option::<String>::None),
        )
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::SubmissionId.is_null())
        .filter(entity::Column::SubmittedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes an invite with the invitation e-mail that carried its link
/// (inside the caller's transaction). Returns the ids of the deleted mail,
/// for the outbox, or `None` when there was no such invite.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Vec<Uuid>>, DbErr> {
    use crate::entities::mail_message as mail;
    // A write first: on SQLite a transaction that reads and then writes
    // fails at once when another writer (the mail sender) holds the lock,
    // while one that starts by writing waits its turn.
    let found = entity::Entity::update_many()
        .col_expr(
            entity::Column::ExpiresAt,
            Expr::col(entity::Column::ExpiresAt),
        )
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    if found.rows_affected == 0 {
        return Ok(None);
    }
    let mail_ids: Vec<Uuid> = mail::Entity::find()
        .filter(mail::Column::InviteId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    mail::Entity::delete_many()
        .filter(mail::Column::InviteId.eq(id))
        .exec(db)
        .await?;
    entity::Entity::delete_by_id(id).exec(db).await?;
    Ok(Some(mail_ids))
}
