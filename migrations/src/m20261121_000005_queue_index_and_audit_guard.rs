use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The audit log refuses changes in the database itself: rows can be
/// added, never altered or removed, whatever a later bug or a hand-typed
/// statement tries.
///
/// The staff queue reads only a few small columns, but SQLite stores each
/// submission as one record with the answers and the signature (tens of
/// kilobytes) in front of them: reaching the search column means walking
/// the record's overflow pages. A covering index holds everything the queue
/// lists and searches, so SQLite answers from the index alone.
///
/// PostgreSQL keeps large values out of line (TOAST), so its rows are small
/// already; there a covering btree would only risk the entry size limit,
/// and a trigram index serves the search instead.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            )
            .await?;
            // Searching inside names (`LIKE '%…%'`) with a trigram index. The
            // extension ships with PostgreSQL but a database may not allow
            // it: then the search scans, which is slower but still right.
            db.execute_unprepared(
                "DO $$ BEGIN \
                   CREATE EXTENSION IF NOT EXISTS pg_trgm; \
                   CREATE INDEX IF NOT EXISTS idx_submission_search_trgm \
                     ON submission USING gin (search_text gin_trgm_ops); \
                 EXCEPTION WHEN OTHERS THEN \
                   RAISE NOTICE 'pg_trgm unavailable: the staff search will scan'; \
                 END $$",
            )
            .await?;
            return Ok(());
        }
        for event in ["UPDATE", "DELETE"] {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER audit_log_no_{} BEFORE {event} ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
                event.to_lowercase()
            ))
            .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_submission_queue")
                    .table(Submission::Table)
                    .col(Submission::ReceivedAt)
                    .col(Submission::Id)
                    .col(Submission::Status)
                    .col(Submission::SearchText)
                    .col(Submission::ClientName)
                    .col(Submission::ClientEmail)
                    .col(Submission::ClientPhone)
                    .col(Submission::AppointmentDate)
                    .col(Submission::Flags)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER audit_log_append_only ON audit_log")
                .await?;
            db.execute_unprepared("DROP FUNCTION audit_log_append_only()")
                .await?;
            db.execute_unprepared("DROP INDEX IF EXISTS idx_submission_search_trgm")
                .await?;
            return Ok(());
        }
        for event in ["update", "delete"] {
            db.execute_unprepared(&format!("DROP TRIGGER audit_log_no_{event}"))
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_submission_queue")
                    .table(Submission::Table)
                    .to_owned(),
            )
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
    AppointmentDate,
    ReceivedAt,
    SearchText,
    Flags,
}
