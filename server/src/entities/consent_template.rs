use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_template")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub content: Json,
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
