use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The signed consent PDF (made once, never regenerated) and the mail queue.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentPdf::Table)
                    .if_not_exists()
                    .col(uuid(ConsentPdf::SubmissionId).primary_key())
                    .col(blob(ConsentPdf::Pdf))
                    .col(string_len(ConsentPdf::Sha256, 64))
                    .col(timestamp_with_time_zone(ConsentPdf::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConsentPdf::Table, ConsentPdf::SubmissionId)
                            .to(Submission::Table, Submission::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // `POST /api/v1/verify` finds a document by its hash.
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_pdf_sha256")
                    .table(ConsentPdf::Table)
                    .col(ConsentPdf::Sha256)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailMessage::Table)
                    .if_not_exists()
                    .col(uuid(MailMessage::Id).primary_key())
                    .col(uuid_null(MailMessage::SubmissionId))
                    .col(string(MailMessage::Kind))
                    .col(string(MailMessage::ToAddress))
                    .col(string(MailMessage::ToName))
                    .col(string(MailMessage::Subject))
                    .col(text(MailMessage::BodyText))
                    .col(boolean(MailMessage::AttachConsentPdf))
                    .col(string_len(MailMessage::Status, 16))
                    .col(integer(MailMessage::Attempts))
                    .col(text_null(MailMessage::LastError))
                    .col(timestamp_with_time_zone(MailMessage::NextAttemptAt))
                    .col(timestamp_with_time_zone(MailMessage::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailMessage::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailMessage::Table, MailMessage::SubmissionId)
                            .to(Submission::Table, Submission::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The sender picks due messages: status and time.
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_due")
                    .table(MailMessage::Table)
                    .col(MailMessage::Status)
                    .col(MailMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailMessage::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ConsentPdf::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ConsentPdf {
    Table,
    SubmissionId,
    Pdf,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    Id,
    SubmissionId,
    Kind,
    ToAddress,
    ToName,
    Subject,
    BodyText,
    AttachConsentPdf,
    Status,
    Attempts,
    LastError,
    NextAttemptAt,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    Id,
}
