use sea_orm::entity::prelude::*;

/// A token a clinic's other system calls the API with.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// SHA-256 of the token; the token itself is shown once, never stored.
    #[sea_orm(unique)]
    pub secret_sha256: String,
    /// The token's first characters, to tell tokens apart in lists.
    pub prefix: String,
    /// `ApiScope` wire names, comma-separated.
    pub scopes: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
