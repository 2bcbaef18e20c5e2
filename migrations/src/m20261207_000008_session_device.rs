use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The browser a staff session was started from, so a person can tell
/// their sessions apart when ending one.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSession::Table)
                    .add_column(string_null(StaffSession::UserAgent))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSession::Table)
                    .drop_column(StaffSession::UserAgent)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    UserAgent,
}
