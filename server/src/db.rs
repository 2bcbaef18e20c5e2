//! Database connection for both backends, picked by the URL's scheme.

use std::time::Duration;

use anyhow::Context;
use migration::MigratorTrait;
use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, Database, DatabaseConnection,
};

use crate::config::Settings;

pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let mut url = settings.database_url.expose().to_string();
    if settings.is_sqlite() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create data directory {}",
                settings.data_dir.display()
            )
        })?;
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
    }
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if settings.is_sqlite() {
        // WAL lets readers run beside the single writer; busy_timeout makes
        // writers queue instead of failing under concurrent submissions.
        opts.max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                // secure_delete: erased records are overwritten, not left
                // in free pages.
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    .pragma("secure_delete", "ON")
            });
    } else {
        opts.max_connections(16);
    }
    Database::connect(opts)
        .await
        .context("cannot connect to the database (DATABASE_URL)")
}

/// On SQLite, folds the WAL into the database and empties it, so no older
/// copy of an erased row stays in the WAL file (best effort: a reader may
/// keep it a moment longer; the next checkpoint does it then).
pub async fn checkpoint(conn: &DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        if let Err(e) = conn
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint after an erasure failed");
        }
    }
}

/// The SQLite database file a `sqlite:` URL names (`None` for PostgreSQL
/// or an in-memory database).
pub fn sqlite_file(settings: &Settings) -> Option<std::path::PathBuf> {
    let url = settings.database_url.expose();
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

pub async fn migrate(conn: &DatabaseConnection) -> anyhow::Result<()> {
    migration::Migrator::up(conn, None)
        .await
        .context("database migration failed")
}
