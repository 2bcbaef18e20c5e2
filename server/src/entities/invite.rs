use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invite")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the link's token; the link itself is shown once.
    #[sea_orm(unique)]
    pub token_sha256: String,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub appointment_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub emailed_at: Option<DateTimeUtc>,
    pub opened_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub submission_id: Option<Uuid>,
    /// The client's language (BCP 47), if the booking system said.
    pub language: Option<String>,
    /// When `invite.expired` was queued for webhooks.
    pub expiry_announced_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
