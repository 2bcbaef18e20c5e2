use sea_orm::entity::prelude::*;
use stipple_app::domain::states::{MailKind, MailStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_message")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub submission_id: Option<Uuid>,
    pub kind: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body_text: String,
    pub attach_consent_pdf: bool,
    /// queued, sent or failed (gave up; `last_error` says why).
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The invite an invitation e-mail carried: it goes with the invite.
    pub invite_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The stored kind and status; only this crate writes them.
    pub fn kind_and_status(&self) -> Result<(MailKind, MailStatus), DbErr> {
        let kind = MailKind::parse(&self.kind)
            .ok_or_else(|| DbErr::Type(format!("unknown mail kind `{}`", self.kind)))?;
        let status = MailStatus::parse(&self.status)
            .ok_or_else(|| DbErr::Type(format!("unknown mail status `{}`", self.status)))?;
        Ok((kind, status))
    }
}
