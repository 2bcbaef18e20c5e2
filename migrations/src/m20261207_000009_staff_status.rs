use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Accounts an administrator has disabled (a leaver) keep their history but
/// cannot sign in; the last sign-in is shown on the team list.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [StaffUser::DisabledAt, StaffUser::LastLoginAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffUser::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [StaffUser::DisabledAt, StaffUser::LastLoginAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffUser::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffUser {
    Table,
    DisabledAt,
    LastLoginAt,
}
