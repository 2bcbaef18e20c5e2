use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A keyed hash of the e-mail as typed, lower-cased: unknown accounts
    /// are throttled like known ones, and what was typed is not kept.
    pub email: String,
    /// A keyed hash of the client's address (its /64 for IPv6).
    pub ip: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
