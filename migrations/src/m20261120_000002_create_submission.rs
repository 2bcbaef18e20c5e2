use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A client's intake and signed consent, with the evidence of signing.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Submission::Table)
                    .if_not_exists()
                    .col(uuid(Submission::Id).primary_key())
                    .col(string_len(Submission::Status, 16))
                    .col(string(Submission::ClientName))
                    .col(string_null(Submission::ClientEmail))
                    .col(string_null(Submission::ClientPhone))
                    .col(date(Submission::DateOfBirth))
                    .col(date_null(Submission::AppointmentDate))
                    .col(json_binary(Submission::Answers))
                    .col(string(Submission::TemplateVersion))
                    .col(json_binary(Submission::TemplateContent))
                    .col(blob(Submission::SignaturePng))
                    .col(json_binary(Submission::SignatureStrokes))
                    .col(timestamp_with_time_zone(Submission::ReceivedAt))
                    .col(string_null(Submission::ClientIp))
                    .col(string_null(Submission::UserAgent))
                    .col(string_len(Submission::CanonicalSha256, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Submission::Table, Submission::TemplateVersion)
                            .to(ConsentTemplate::Table, ConsentTemplate::Version),
                    )
                    .to_owned(),
            )
            .await?;
        // The staff queue lists newest first; (received_at, id) is its keyset.
        manager
            .create_index(
                Index::create()
                    .name("idx_submission_received")
                    .table(Submission::Table)
                    .col(Submission::ReceivedAt)
                    .col(Submission::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Submission::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    Id,
    Status,
    ClientName,
    ClientEmail,
    ClientPhone,
    DateOfBirth,
    AppointmentDate,
    Answers,
    TemplateVersion,
    TemplateContent,
    SignaturePng,
    SignatureStrokes,
    ReceivedAt,
    ClientIp,
    UserAgent,
    CanonicalSha256,
}

#[derive(DeriveIden)]
enum ConsentTemplate {
    Table,
    Version,
}
