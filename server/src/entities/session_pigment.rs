use sea_orm::entity::prelude::*;

/// A pigment used at a session, in clear: a recall looks lots up.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "session_pigment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub brand: String,
    pub shade: String,
    pub lot: String,
    /// `course::lot_key` of the lot.
    pub lot_key: String,
    pub expires_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
