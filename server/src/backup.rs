//! `stipple backup` and `stipple restore` for the SQLite default: a
//! consistent copy taken while the server runs and writes (`VACUUM INTO`),
//! and a restore into an empty data directory only. The copy holds health
//! data sealed, as the database does; the data key is backed up apart.
//! PostgreSQL is backed up with its own tools (`pg_dump`, README).

use std::path::Path;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Statement};

use crate::{config::Settings, db};

/// What an operator must change; the process exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

fn refuse<T>(why: impl Into<String>) -> anyhow::Result<T> {
    Err(Refused(why.into()).into())
}

/// Writes a consistent copy of the database to `to`; returns its size.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<u64> {
    if db::sqlite_file(settings).is_none() {
        return refuse(
            "backup copies the SQLite database; on PostgreSQL use pg_dump (see the README)",
        );
    }
    if to.exists() {
        return refuse(format!("{} exists: name a new file", to.display()));
    }
    let target = to
        .to_str()
        .context("the backup path must be valid UTF-8")?
        .to_string();
    let conn = db::connect(settings).await?;
    // One read transaction: every row as of one moment, while writers go on.
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .with_context(|| format!("cannot write the backup to {}", to.display()))?;
    conn.close().await.ok();
    Ok(std::fs::metadata(to)?.len())
}

/// Copies a backup into an empty data directory, after checking that it is
/// whole and that the configured data key opens it.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<()> {
    let Some(file) = db::sqlite_file(settings) else {
        return refuse(
            "restore writes the SQLite database; on PostgreSQL use pg_restore (see the README)",
        );
    };
    let live = ["", "-wal", "-shm"]
        .iter()
        .any(|s| Path::new(&format!("{}{s}", file.display())).exists());
    if live {
        return refuse(format!(
            "{} already holds a database: restore into an empty STIPPLE_DATA_DIR",
            file.display()
        ));
    }
    // Check a private copy, then move it into place: never half a database.
    let staging = file.with_extension("restoring");
    std::fs::create_dir_all(&settings.data_dir)?;
    crate::files::lock_down(&settings.data_dir)?;
    std::fs::copy(from, &staging)
        .with_context(|| format!("cannot read the backup {}", from.display()))?;
    let checked = check(settings, &staging).await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    std::fs::rename(&staging, &file)?;
    Ok(())
}

async fn check(settings: &Settings, staged: &Path) -> anyhow::Result<()> {
    let url = format!("sqlite://{}?mode=rw", staged.display());
    let conn = sea_orm::Database::connect(url)
        .await
        .context("the backup is not a SQLite database")?;
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .ok()
        .flatten();
    let verdict: String = row
        .and_then(|r| r.try_get("", "integrity_check").ok())
        .unwrap_or_default();
    if verdict != "ok" {
        conn.close().await.ok();
        return refuse("the backup file is damaged (integrity check failed)");
    }
    // A backup from an earlier version is brought up to this one's schema.
    db::migrate(&conn).await?;
    // The key must open it now, not at the next start.
    let opened = crate::vault::open_for(&conn, settings.data_key_source()).await;
    conn.close().await.ok();
    opened.map(|_| ())
}
