use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `rate_window`: requests counted per key and fixed time window, so limits
/// on public endpoints hold across every server sharing one PostgreSQL.
/// `consent_in_force`: when each template version became the one clients
/// sign, so the previous one stays signable for a grace period only.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateWindow::Table)
                    .if_not_exists()
                    .col(string(RateWindow::Bucket))
                    .col(big_integer(RateWindow::WindowStart))
                    .col(integer(RateWindow::Hits))
                    .primary_key(
                        Index::create()
                            .col(RateWindow::Bucket)
                            .col(RateWindow::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("rate_window_start")
                    .table(RateWindow::Table)
                    .col(RateWindow::WindowStart)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentInForce::Table)
                    .if_not_exists()
                    .col(pk_auto(ConsentInForce::Id))
                    .col(string(ConsentInForce::Version))
                    .col(timestamp_with_time_zone(ConsentInForce::Since))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConsentInForce::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RateWindow::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RateWindow {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[derive(DeriveIden)]
enum ConsentInForce {
    Table,
    Id,
    Version,
    Since,
}
