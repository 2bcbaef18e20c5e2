use sea_orm::entity::prelude::*;

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
