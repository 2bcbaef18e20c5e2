use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "course")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub planned_sessions: i16,
    /// `HairLossArea` wire names, comma-separated (`vocab::join`).
    pub areas: String,
    /// Sealed (`vault::at::course_notes`).
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    /// A `CourseStatus` wire name.
    pub status: String,
    /// Sealed (`vault::at::stop_reason`).
    #[sea_orm(column_type = "Text", nullable)]
    pub stop_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
