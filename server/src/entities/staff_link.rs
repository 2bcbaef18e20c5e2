use sea_orm::entity::prelude::*;

/// A one-time link for a colleague to join the team or choose a new password.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_link")]
pub struct Model {
    /// SHA-256 of the link's token; the token itself is never stored.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_sha256: String,
    pub staff_id: Uuid,
    /// `StaffLinkPurpose`: `join` or `reset`.
    pub purpose: String,
    /// The administrator who issued it.
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
