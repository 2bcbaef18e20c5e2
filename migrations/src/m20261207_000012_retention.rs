use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Retention: an invitation e-mail names the invite it carried, so deleting
/// or purging the invite takes its mail too; and the append-only audit log
/// allows exactly one change, forgetting a row's client address once the
/// retention policy says it is no longer needed. Every other column stays
/// as it was written, and rows still cannot be removed.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailMessage::Table)
                    .add_column(ColumnDef::new(MailMessage::InviteId).uuid().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                 BEGIN \
                   IF TG_OP = 'UPDATE' AND NEW.ip IS NULL \
                      AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action \
                      AND NEW.staff_id IS NOT DISTINCT FROM OLD.staff_id \
                      AND NEW.submission_id IS NOT DISTINCT FROM OLD.submission_id \
                      AND NEW.invite_id IS NOT DISTINCT FROM OLD.invite_id \
                      AND NEW.detail IS NOT DISTINCT FROM OLD.detail THEN \
                     RETURN NEW; \
                   END IF; \
                   RAISE EXCEPTION 'audit_log is append-only'; \
                 END; $$ LANGUAGE plpgsql",
            )
            .await?;
            return Ok(());
        }
        db.execute_unprepared("DROP TRIGGER audit_log_no_update")
            .await?;
        db.execute_unprepared(
            "CREATE TRIGGER audit_log_only_forgets_addresses BEFORE UPDATE ON audit_log \
             WHEN NOT (NEW.ip IS NULL AND NEW.id = OLD.id AND NEW.at IS OLD.at \
               AND NEW.action IS OLD.action AND NEW.staff_id IS OLD.staff_id \
               AND NEW.submission_id IS OLD.submission_id AND NEW.invite_id IS OLD.invite_id \
               AND NEW.detail IS OLD.detail) \
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
            )
            .await?;
        } else {
            db.execute_unprepared("DROP TRIGGER audit_log_only_forgets_addresses")
                .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            )
            .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MailMessage::Table)
                    .drop_column(MailMessage::InviteId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    InviteId,
}
