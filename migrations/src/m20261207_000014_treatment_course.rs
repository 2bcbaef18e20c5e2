use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The treatment course: a client record that gathers a person's intakes,
/// their courses, each course's sessions with the pigments used (lot
/// numbers in clear and indexed, for a recall), addenda written after a
/// session was signed off, and before and after photos (sealed).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Client::Table)
                    .if_not_exists()
                    .col(uuid(Client::Id).primary_key())
                    .col(string_len(Client::FullName, 200))
                    .col(string_len_null(Client::Email, 320))
                    .col(string_len_null(Client::Phone, 40))
                    .col(date(Client::DateOfBirth))
                    .col(timestamp_with_time_zone(Client::CreatedAt))
                    .col(uuid_null(Client::CreatedBy))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("client_email", Client::Email),
            ("client_phone", Client::Phone),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Client::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Submission::Table)
                    .add_column(uuid_null(Submission::ClientId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("submission_client")
                    .table(Submission::Table)
                    .col(Submission::ClientId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Course::Table)
                    .if_not_exists()
                    .col(uuid(Course::Id).primary_key())
                    .col(uuid(Course::ClientId))
                    .col(small_integer(Course::PlannedSessions))
                    .col(string_len(Course::Areas, 200))
                    // Sealed.
                    .col(text(Course::Notes))
                    .col(string_len(Course::Status, 16))
                    // Sealed; set when the course is stopped.
                    .col(text_null(Course::StopReason))
                    .col(timestamp_with_time_zone(Course::CreatedAt))
                    .col(uuid_null(Course::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Course::Table, Course::ClientId)
                            .to(Client::Table, Client::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TreatmentSession::Table)
                    .if_not_exists()
                    .col(uuid(TreatmentSession::Id).primary_key())
                    .col(uuid(TreatmentSession::CourseId))
                    .col(small_integer(TreatmentSession::Number))
                    .col(uuid_null(TreatmentSession::PractitionerId))
                    .col(date(TreatmentSession::PerformedOn))
                    .col(date_null(TreatmentSession::NextSessionOn))
                    // The whole record as entered, sealed JSON.
                    .col(text(TreatmentSession::Record))
                    .col(timestamp_with_time_zone(TreatmentSession::CreatedAt))
                    .col(uuid_null(TreatmentSession::CreatedBy))
                    .col(timestamp_with_time_zone_null(TreatmentSession::SignedOffAt))
                    .col(uuid_null(TreatmentSession::SignedOffBy))
                    .col(string_len_null(TreatmentSession::RecordSha256, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TreatmentSession::Table, TreatmentSession::CourseId)
                            .to(Course::Table, Course::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .col(TreatmentSession::CourseId)
                            .col(TreatmentSession::Number),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionPigment::Table)
                    .if_not_exists()
                    .col(uuid(SessionPigment::Id).primary_key())
                    .col(uuid(SessionPigment::SessionId))
                    .col(string_len(SessionPigment::Brand, 80))
                    .col(string_len(SessionPigment::Shade, 80))
                    .col(string_len(SessionPigment::Lot, 60))
                    .col(string_len(SessionPigment::LotKey, 60))
                    .col(date(SessionPigment::ExpiresOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionPigment::Table, SessionPigment::SessionId)
                            .to(TreatmentSession::Table, TreatmentSession::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("session_pigment_lot")
                    .table(SessionPigment::Table)
                    .col(SessionPigment::LotKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionAddendum::Table)
                    .if_not_exists()
                    .col(uuid(SessionAddendum::Id).primary_key())
                    .col(uuid(SessionAddendum::SessionId))
                    .col(uuid_null(SessionAddendum::AuthorId))
                    .col(timestamp_with_time_zone(SessionAddendum::CreatedAt))
                    // Sealed.
                    .col(text(SessionAddendum::Text))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionAddendum::Table, SessionAddendum::SessionId)
                            .to(TreatmentSession::Table, TreatmentSession::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionPhoto::Table)
                    .if_not_exists()
                    .col(uuid(SessionPhoto::Id).primary_key())
                    .col(uuid(SessionPhoto::SessionId))
                    .col(string_len(SessionPhoto::Kind, 16))
                    .col(integer(SessionPhoto::Width))
                    .col(integer(SessionPhoto::Height))
                    .col(big_integer(SessionPhoto::Bytes))
                    // Sealed JPEGs, re-encoded without any metadata.
                    .col(blob(SessionPhoto::Image))
                    .col(blob(SessionPhoto::Thumbnail))
                    .col(timestamp_with_time_zone(SessionPhoto::CreatedAt))
                    .col(uuid_null(SessionPhoto::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionPhoto::Table, SessionPhoto::SessionId)
                            .to(TreatmentSession::Table, TreatmentSession::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SessionPhoto::Table.into_iden(),
            SessionAddendum::Table.into_iden(),
            SessionPigment::Table.into_iden(),
            TreatmentSession::Table.into_iden(),
            Course::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("submission_client")
                    .table(Submission::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Submission::Table)
                    .drop_column(Submission::ClientId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Client::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Client {
    Table,
    Id,
    FullName,
    Email,
    Phone,
    DateOfBirth,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    ClientId,
}

#[derive(DeriveIden)]
enum Course {
    Table,
    Id,
    ClientId,
    PlannedSessions,
    Areas,
    Notes,
    Status,
    StopReason,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum TreatmentSession {
    Table,
    Id,
    CourseId,
    Number,
    PractitionerId,
    PerformedOn,
    NextSessionOn,
    Record,
    CreatedAt,
    CreatedBy,
    SignedOffAt,
    SignedOffBy,
    RecordSha256,
}

#[derive(DeriveIden)]
enum SessionPigment {
    Table,
    Id,
    SessionId,
    Brand,
    Shade,
    Lot,
    LotKey,
    ExpiresOn,
}

#[derive(DeriveIden)]
enum SessionAddendum {
    Table,
    Id,
    SessionId,
    AuthorId,
    CreatedAt,
    Text,
}

#[derive(DeriveIden)]
enum SessionPhoto {
    Table,
    Id,
    SessionId,
    Kind,
    Width,
    Height,
    Bytes,
    Image,
    Thumbnail,
    CreatedAt,
    CreatedBy,
}
