use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One-time links by which a colleague joins or chooses a new password,
/// two-factor sign-in (the TOTP secret sealed with the server's key, the
/// last step used so a code works once, recovery codes as keyed hashes),
/// and how far each session's sign-in has got.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(StaffUser::TotpSecret)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(StaffUser::TotpPending)
                .text()
                .null()
                .to_owned(),
            timestamp_with_time_zone_null(StaffUser::TotpEnabledAt),
            big_integer_null(StaffUser::TotpLastStep),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffUser::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSession::Table)
                    .add_column(string_len(StaffSession::Stage, 16).default("ready"))
                    .to_owned(),
            )
            .await?;
        // Only a hash of the link's token is stored.
        manager
            .create_table(
                Table::create()
                    .table(StaffLink::Table)
                    .if_not_exists()
                    .col(string_len(StaffLink::TokenSha256, 64).primary_key())
                    .col(uuid(StaffLink::StaffId))
                    .col(string_len(StaffLink::Purpose, 16))
                    .col(uuid_null(StaffLink::CreatedBy))
                    .col(timestamp_with_time_zone(StaffLink::CreatedAt))
                    .col(timestamp_with_time_zone(StaffLink::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffLink::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffLink::Table, StaffLink::StaffId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffRecoveryCode::Table)
                    .if_not_exists()
                    .col(string_len(StaffRecoveryCode::CodeHash, 64).primary_key())
                    .col(uuid(StaffRecoveryCode::StaffId))
                    .col(timestamp_with_time_zone(StaffRecoveryCode::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffRecoveryCode::Table, StaffRecoveryCode::StaffId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffRecoveryCode::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StaffLink::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSession::Table)
                    .drop_column(StaffSession::Stage)
                    .to_owned(),
            )
            .await?;
        for column in [
            StaffUser::TotpSecret,
            StaffUser::TotpPending,
            StaffUser::TotpEnabledAt,
            StaffUser::TotpLastStep,
        ] {
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
    Id,
    TotpSecret,
    TotpPending,
    TotpEnabledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    Stage,
}

#[derive(DeriveIden)]
enum StaffLink {
    Table,
    TokenSha256,
    StaffId,
    Purpose,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum StaffRecoveryCode {
    Table,
    CodeHash,
    StaffId,
    CreatedAt,
}
