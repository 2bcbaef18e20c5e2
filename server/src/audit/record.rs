//! The audit log: append-only, one row per staff action (and per failed
//! sign-in), with who, when and from where. Nothing here updates or deletes.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use stipple_app::domain::states::AuditAction;

use crate::entities::audit_log as entity;

/// One event to record.
pub struct Event {
    pub action: AuditAction,
    pub staff_id: Option<Uuid>,
    pub ip: Option<String>,
    pub submission_id: Option<Uuid>,
    pub invite_id: Option<Uuid>,
    pub detail: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

impl Event {
    pub fn new(action: AuditAction, staff_id: Option<Uuid>, ip: Option<String>) -> Self {
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
            action: Set(self.action.as_str().to_string()),
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
        .filter(entity::Column::Action.eq(AuditAction::SubmissionDeleted.as_str()))
        .count(db)
        .await?
        > 0)
}
