use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Health data is stored sealed with the data key: the JSON columns that
/// held answers and signature strokes become text (the sealing itself is
/// done by the server at start, which has the key). `data_key` keeps, per
/// key, a value sealed with it, so a server started with another key stops
/// before touching anything.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            // SQLite stores any text in these columns already.
            for column in ["answers", "signature_strokes"] {
                manager
                    .get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE submission ALTER COLUMN {column} TYPE text USING {column}::text"
                    ))
                    .await?;
            }
        }
        manager
            .create_table(
                Table::create()
                    .table(DataKey::Table)
                    .if_not_exists()
                    .col(string_len(DataKey::KeyId, 16).primary_key())
                    .col(text(DataKey::CheckValue))
                    .col(timestamp_with_time_zone(DataKey::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DataKey {
    Table,
    KeyId,
    CheckValue,
    CreatedAt,
}
