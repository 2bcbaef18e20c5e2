use sea_orm::entity::prelude::*;

/// A session of a course. Once signed off the record is never changed:
/// later words are addenda.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "treatment_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    pub number: i16,
    pub practitioner_id: Option<Uuid>,
    pub performed_on: Date,
    pub next_session_on: Option<Date>,
    /// The `SessionInput` as entered, sealed JSON (`vault::at::session_record`).
    #[sea_orm(column_type = "Text")]
    pub record: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub signed_off_at: Option<DateTimeUtc>,
    pub signed_off_by: Option<Uuid>,
    pub record_sha256: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
