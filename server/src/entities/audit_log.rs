use sea_orm::entity::prelude::*;
use stipple_app::domain::states::AuditAction;

/// Append-only record of who did what to which record, from where.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub staff_id: Option<Uuid>,
    pub action: String,
    pub submission_id: Option<Uuid>,
    pub invite_id: Option<Uuid>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The stored action; only this crate writes it, from [`AuditAction`].
    pub fn audit_action(&self) -> Result<AuditAction, DbErr> {
        AuditAction::parse(&self.action)
            .ok_or_else(|| DbErr::Type(format!("unknown audit action `{}`", self.action)))
    }
}
