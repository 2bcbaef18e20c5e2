use sea_orm::entity::prelude::*;
use stipple_app::domain::states::ReviewStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submission")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// A [`ReviewStatus`] wire name.
    pub status: String,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub date_of_birth: Date,
    pub appointment_date: Option<Date>,
    /// The canonical submission JSON, signature included, sealed
    /// (`vault::Field` `submission.answers`).
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    pub template_version: String,
    /// The exact template the client read and signed.
    #[sea_orm(column_type = "JsonBinary")]
    pub template_content: Json,
    /// Sealed.
    pub signature_png: Vec<u8>,
    /// Sealed JSON.
    #[sea_orm(column_type = "Text")]
    pub signature_strokes: String,
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
    /// The client record staff linked this intake to.
    pub client_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The stored status; only this crate writes it, from [`ReviewStatus`].
    pub fn review_status(&self) -> Result<ReviewStatus, DbErr> {
        ReviewStatus::parse(&self.status)
            .ok_or_else(|| DbErr::Type(format!("unknown review status `{}`", self.status)))
    }
}

/// What the search column holds for a client: lower-cased name and e-mail,
/// and the phone number's digits.
pub fn search_text(name: &str, email: Option<&str>, phone: Option<&str>) -> String {
    let digits: String = phone
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!(
        "{} {} {}",
        name.trim().to_lowercase(),
        email.unwrap_or("").trim().to_lowercase(),
        digits
    )
}
