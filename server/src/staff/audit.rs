//! The audit log: append-only, one row per staff action (and per failed
//! sign-in), with who, when and from where. Nothing here updates or deletes.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::entities::audit_log as entity;

pub const LOGIN: &str = "login";
pub const LOGIN_FAILED: &str = "login_failed";
pub const LOGOUT: &str = "logout";
pub const SUBMISSION_VIEWED: &str = "submission_viewed";
pub const PDF_VIEWED: &str = "pdf_viewed";
pub const PDF_DOWNLOADED: &str = "pdf_downloaded";
pub const PDF_EMAILED: &str = "pdf_emailed";
pub const STATUS_CHANGED: &str = "status_changed";
pub const NOTE_ADDED: &str = "note_added";
pub const EXPORTED: &str = "export";
/// The tombstone of an erased submission.
pub const SUBMISSION_DELETED: &str = "submission_deleted";
pub const INVITE_CREATED: &str = "invite_created";
pub const INVITE_EMAILED: &str = "invite_emailed";

pub const ACTIONS: &[&str] = &[
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    SUBMISSION_VIEWED,
    PDF_VIEWED,
    PDF_DOWNLOADED,
    PDF_EMAILED,
    STATUS_CHANGED,
    NOTE_ADDED,
    EXPORTED,
    SUBMISSION_DELETED,
    INVITE_CREATED,
    INVITE_EMAILED,
];

/// One event to record.
pub struct Event {
    pub action: &'static str,
    pub staff_id: Option<Uuid>,
    pub ip: Option<String>,
    pub submission_id: Option<Uuid>,
    pub invite_id: Option<Uuid>,
    pub detail: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

impl Event {
    pub fn new(action: &'static str, staff_id: Option<Uuid>, ip: Option<String>) -> Self {
        Self {
            action,
            staff_id,
            ip,
            submission_id: None,
            invite_id: None,
            detail: None,
            at: None,
        }
    }

    pub fn submission(mut self, id: Uuid) -> Self {
        self.submission_id = Some(id);
        self
    }

    pub fn invite(mut self, id: Uuid) -> Self {
        self.invite_id = Some(id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Appends the event (inside the caller's transaction, if any).
    pub async fn record(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        entity::Entity::insert(entity::ActiveModel {
            at: Set(self.at.unwrap_or_else(Utc::now)),
            staff_id: Set(self.staff_id),
            action: Set(self.action.to_string()),
            submission_id: Set(self.submission_id),
            invite_id: Set(self.invite_id),
            ip: Set(self.ip),
            detail: Set(self.detail),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }
}

/// Whether a submission id was erased: its id may never be stored again.
pub async fn is_deleted(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    Ok(entity::Entity::find()
        .filter(entity::Column::SubmissionId.eq(id))
        .filter(entity::Column::Action.eq(SUBMISSION_DELETED))
        .count(db)
        .await?
        > 0)
}
