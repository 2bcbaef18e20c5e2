use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Integrations: API tokens (only a hash of each is stored), the keys that
/// make a booking system's retries idempotent, webhook endpoints (the
/// signing secret sealed with the data key) and their durable delivery
/// queue with every attempt; invites learn their client's language and
/// whether their expiry has been announced.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .if_not_exists()
                    .col(uuid(ApiToken::Id).primary_key())
                    .col(string_len(ApiToken::Name, 80))
                    .col(string_len_uniq(ApiToken::SecretSha256, 64))
                    .col(string_len(ApiToken::Prefix, 16))
                    .col(string_len(ApiToken::Scopes, 200))
                    .col(uuid_null(ApiToken::CreatedBy))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiIdempotency::Table)
                    .if_not_exists()
                    .col(uuid(ApiIdempotency::TokenId))
                    .col(string_len(ApiIdempotency::Key, 255))
                    .col(string_len(ApiIdempotency::RequestSha256, 64))
                    .col(uuid(ApiIdempotency::InviteId))
                    // The first answer, sealed: a retry gets the same one,
                    // the invite's link included.
                    .col(text(ApiIdempotency::Response))
                    .col(timestamp_with_time_zone(ApiIdempotency::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ApiIdempotency::TokenId)
                            .col(ApiIdempotency::Key),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiIdempotency::Table, ApiIdempotency::TokenId)
                            .to(ApiToken::Table, ApiToken::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiIdempotency::Table, ApiIdempotency::InviteId)
                            .to(Invite::Table, Invite::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .if_not_exists()
                    .col(uuid(WebhookEndpoint::Id).primary_key())
                    .col(string_len(WebhookEndpoint::Url, 2048))
                    .col(string_len(WebhookEndpoint::Description, 200))
                    .col(string_len(WebhookEndpoint::Events, 400))
                    .col(text(WebhookEndpoint::Secret))
                    .col(uuid_null(WebhookEndpoint::CreatedBy))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::DisabledAt))
                    .col(string_len_null(WebhookEndpoint::DisabledReason, 300))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::FailingSince))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .if_not_exists()
                    .col(uuid(WebhookDelivery::Id).primary_key())
                    .col(uuid(WebhookDelivery::EndpointId))
                    .col(string_len(WebhookDelivery::Event, 64))
                    .col(text(WebhookDelivery::Payload))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    .col(string_len(WebhookDelivery::Status, 16))
                    .col(integer(WebhookDelivery::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDelivery::LastAttemptAt,
                    ))
                    .col(integer_null(WebhookDelivery::LastStatusCode))
                    .col(string_len_null(WebhookDelivery::LastError, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDelivery::Table, WebhookDelivery::EndpointId)
                            .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_delivery_due")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::Status)
                    .col(WebhookDelivery::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_delivery_endpoint")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::EndpointId)
                    .col(WebhookDelivery::CreatedAt)
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len_null(Invite::Language, 35),
            timestamp_with_time_zone_null(Invite::ExpiryAnnouncedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Invite::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Invite::Language, Invite::ExpiryAnnouncedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Invite::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            WebhookDelivery::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
            ApiIdempotency::Table.into_iden(),
            ApiToken::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    Name,
    SecretSha256,
    Prefix,
    Scopes,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum ApiIdempotency {
    Table,
    TokenId,
    Key,
    RequestSha256,
    InviteId,
    Response,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    Url,
    Description,
    Events,
    Secret,
    CreatedBy,
    CreatedAt,
    DisabledAt,
    DisabledReason,
    FailingSince,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EndpointId,
    Event,
    Payload,
    CreatedAt,
    Status,
    Attempts,
    NextAttemptAt,
    LastAttemptAt,
    LastStatusCode,
    LastError,
}

#[derive(DeriveIden)]
enum Invite {
    Table,
    Id,
    Language,
    ExpiryAnnouncedAt,
}
