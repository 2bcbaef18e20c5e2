use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "session_photo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    /// A `PhotoKind` wire name.
    pub kind: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    /// Sealed JPEG (`vault::at::photo`).
    pub image: Vec<u8>,
    /// Sealed JPEG (`vault::at::thumbnail`).
    pub thumbnail: Vec<u8>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
