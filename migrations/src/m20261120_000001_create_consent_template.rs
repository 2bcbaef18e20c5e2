use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every consent template version ever served; a version's text never changes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentTemplate::Table)
                    .if_not_exists()
                    .col(string(ConsentTemplate::Version).primary_key())
                    .col(json_binary(ConsentTemplate::Content))
                    .col(string(ConsentTemplate::Sha256))
                    .col(timestamp_with_time_zone(ConsentTemplate::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConsentTemplate::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ConsentTemplate {
    Table,
    Version,
    Content,
    Sha256,
    CreatedAt,
}
