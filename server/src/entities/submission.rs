use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submission")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub status: String,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub date_of_birth: Date,
    pub appointment_date: Option<Date>,
    /// The canonical submission JSON, signature included.
    #[sea_orm(column_type = "JsonBinary")]
    pub answers: Json,
    pub template_version: String,
    /// The exact template the client read and signed.
    #[sea_orm(column_type = "JsonBinary")]
    pub template_content: Json,
    pub signature_png: Vec<u8>,
    #[sea_orm(column_type = "JsonBinary")]
    pub signature_strokes: Json,
    pub received_at: DateTimeUtc,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub canonical_sha256: String,
    pub status_changed_at: Option<DateTimeUtc>,
    pub status_changed_by: Option<Uuid>,
    /// The appointment invite the client came from, if any.
    pub invite_id: Option<Uuid>,
    /// Lower-cased name, e-mail and phone digits, for the staff search.
    pub search_text: String,
    /// `[{code, severity, reason}]` as computed when the submission arrived.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub flags: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
