use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The staff workspace: accounts, sessions, login throttling, appointment
/// invites, review notes, the audit log, and review state on submissions.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffUser::Table)
                    .if_not_exists()
                    .col(uuid(StaffUser::Id).primary_key())
                    .col(string_len_uniq(StaffUser::Email, 254))
                    .col(string_len(StaffUser::Name, 120))
                    .col(string_len(StaffUser::Role, 16))
                    .col(string(StaffUser::PasswordHash))
                    .col(timestamp_with_time_zone(StaffUser::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Only a hash of the session token is stored: a copy of the database
        // does not let anyone in.
        manager
            .create_table(
                Table::create()
                    .table(StaffSession::Table)
                    .if_not_exists()
                    .col(string_len(StaffSession::TokenSha256, 64).primary_key())
                    .col(uuid(StaffSession::StaffId))
                    .col(string_len(StaffSession::CsrfToken, 64))
                    .col(timestamp_with_time_zone(StaffSession::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSession::LastSeenAt))
                    .col(string_null(StaffSession::Ip))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffSession::Table, StaffSession::StaffId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginFailure::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LoginFailure::Id))
                    .col(string_len(LoginFailure::Email, 254))
                    .col(string_len(LoginFailure::Ip, 64))
                    .col(timestamp_with_time_zone(LoginFailure::At))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_login_failure_email", LoginFailure::Email),
            ("idx_login_failure_ip", LoginFailure::Ip),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginFailure::Table)
                        .col(col)
                        .col(LoginFailure::At)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Invite::Table)
                    .if_not_exists()
                    .col(uuid(Invite::Id).primary_key())
                    .col(string_len_uniq(Invite::TokenSha256, 64))
                    .col(string_len(Invite::ClientName, 120))
                    .col(string_null(Invite::ClientEmail))
                    .col(string_null(Invite::ClientPhone))
                    .col(timestamp_with_time_zone(Invite::AppointmentAt))
                    .col(timestamp_with_time_zone(Invite::ExpiresAt))
                    .col(uuid_null(Invite::CreatedBy))
                    .col(timestamp_with_time_zone(Invite::CreatedAt))
                    .col(timestamp_with_time_zone_null(Invite::EmailedAt))
                    .col(timestamp_with_time_zone_null(Invite::OpenedAt))
                    .col(timestamp_with_time_zone_null(Invite::SubmittedAt))
                    .col(uuid_null(Invite::SubmissionId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invite_created")
                    .table(Invite::Table)
                    .col(Invite::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubmissionNote::Table)
                    .if_not_exists()
                    .col(uuid(SubmissionNote::Id).primary_key())
                    .col(uuid(SubmissionNote::SubmissionId))
                    .col(uuid(SubmissionNote::AuthorId))
                    .col(text(SubmissionNote::Text))
                    .col(timestamp_with_time_zone(SubmissionNote::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubmissionNote::Table, SubmissionNote::SubmissionId)
                            .to(Submission::Table, Submission::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_note_submission")
                    .table(SubmissionNote::Table)
                    .col(SubmissionNote::SubmissionId)
                    .col(SubmissionNote::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // No foreign keys: the log outlives what it speaks of (a deleted
        // submission leaves its tombstone here).
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(uuid_null(AuditLog::StaffId))
                    .col(string_len(AuditLog::Action, 32))
                    .col(uuid_null(AuditLog::SubmissionId))
                    .col(uuid_null(AuditLog::InviteId))
                    .col(string_null(AuditLog::Ip))
                    .col(text_null(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_audit_at", AuditLog::At),
            ("idx_audit_submission", AuditLog::SubmissionId),
            ("idx_audit_staff", AuditLog::StaffId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        // SQLite adds one column per statement.
        for column in [
            timestamp_with_time_zone_null(Submission::StatusChangedAt),
            uuid_null(Submission::StatusChangedBy),
            uuid_null(Submission::InviteId),
            // Lower-cased name, e-mail and phone digits: what the queue searches.
            string(Submission::SearchText).default("").take(),
            // The contraindication flags as computed when the submission arrived.
            json_binary_null(Submission::Flags),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Submission::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE submission SET search_text = LOWER(client_name || ' ' || \
                 COALESCE(client_email, '') || ' ' || COALESCE(client_phone, ''))",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_submission_status_received")
                    .table(Submission::Table)
                    .col(Submission::Status)
                    .col(Submission::ReceivedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_submission_status_received")
                    .table(Submission::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Submission::Flags,
            Submission::SearchText,
            Submission::InviteId,
            Submission::StatusChangedBy,
            Submission::StatusChangedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Submission::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            AuditLog::Table.into_iden(),
            SubmissionNote::Table.into_iden(),
            Invite::Table.into_iden(),
            LoginFailure::Table.into_iden(),
            StaffSession::Table.into_iden(),
            StaffUser::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    TokenSha256,
    StaffId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    Ip,
}

#[derive(DeriveIden)]
enum LoginFailure {
    Table,
    Id,
    Email,
    Ip,
    At,
}

#[derive(DeriveIden)]
enum Invite {
    Table,
    Id,
    TokenSha256,
    ClientName,
    ClientEmail,
    ClientPhone,
    AppointmentAt,
    ExpiresAt,
    CreatedBy,
    CreatedAt,
    EmailedAt,
    OpenedAt,
    SubmittedAt,
    SubmissionId,
}

#[derive(DeriveIden)]
enum SubmissionNote {
    Table,
    Id,
    SubmissionId,
    AuthorId,
    Text,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    StaffId,
    Action,
    SubmissionId,
    InviteId,
    Ip,
    Detail,
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    Id,
    Status,
    ReceivedAt,
    StatusChangedAt,
    StatusChangedBy,
    InviteId,
    SearchText,
    Flags,
}
