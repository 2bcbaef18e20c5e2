//! Command-line entry: `stipple [serve]` and `stipple migrate`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    auth::{
        accounts::{self, Role},
        password::NewPassword,
    },
    config::Settings,
    db,
    startup::Application,
    telemetry,
};

/// The new account's password: piped in (one line), or typed twice at a
/// prompt that does not echo.
fn read_password() -> anyhow::Result<NewPassword> {
    use std::io::{BufRead, IsTerminal};
    let raw = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let again = rpassword::prompt_password("Same password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line
    };
    NewPassword::parse(&raw).map_err(|e| anyhow::anyhow!(e))
}

#[derive(Debug, Parser)]
#[command(
    name = "stipple",
    version,
    about = "Intake and consent for scalp micropigmentation clinics"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default): runs migrations first.
    Serve,
    /// Run database migrations and exit.
    Migrate,
    /// Create a staff account. The password is read from standard input
    /// when it is not a terminal, else asked for (twice).
    CreateStaff {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["admin", "staff"])]
        role: String,
    },
    /// Write a consistent copy of the SQLite database to a new file, while
    /// the server runs. Health data stays sealed in it; back up the data
    /// key apart.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into an empty data directory (never over a live
    /// one), after checking it is whole and that the data key opens it.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Make a new data key, put it first in the key file (older keys stay,
    /// so older backups still open) and seal everything again with it,
    /// while the servers run; they take the new key up within a minute.
    RotateKey,
    /// Apply the retention policy now (the server also does it daily);
    /// with --dry-run, only list what is due. Prints ids and counts, never
    /// names.
    Purge {
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("stipple: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_filter, settings.log_json);
    // Before anything is created: the database, keys and mail are private.
    crate::files::private_by_default();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("stipple: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(settings).await?;
                tracing::info!(address = %app.address(), "serving");
                app.run_until_stopped().await?;
                Ok::<_, anyhow::Error>(())
            }
            Command::Migrate => {
                let conn = db::connect(&settings).await?;
                db::migrate(&conn).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::CreateStaff { email, name, role } => {
                let password = read_password()?;
                let role = Role::parse(&role).expect("clap allows only admin or staff");
                let conn = db::connect(&settings).await?;
                db::migrate(&conn).await?;
                let user = accounts::create(&conn, &email, &name, role, &password).await?;
                println!("created {} account for {}", role.as_str(), user.email);
                Ok(())
            }
            Command::Backup { to } => {
                let started = std::time::Instant::now();
                let bytes = crate::backup::backup(&settings, &to).await?;
                println!(
                    "backed up to {} ({bytes} bytes in {:.1?}); keep the data key ({}) apart from it",
                    to.display(),
                    started.elapsed(),
                    settings.data_key_file.display()
                );
                Ok(())
            }
            Command::RotateKey => {
                let conn = db::connect(&settings).await?;
                db::migrate(&conn).await?;
                let started = std::time::Instant::now();
                let done = crate::vault::rotate::rotate(&conn, settings.data_key_source()).await?;
                println!(
                    "now sealing with data key {}: {} values sealed again in {:.1?}; the older keys \
                     stay in {} (older backups need them): back the file up again",
                    done.key_id,
                    done.resealed,
                    started.elapsed(),
                    settings.data_key_file.display()
                );
                Ok(())
            }
            Command::Purge { dry_run } => {
                let conn = db::connect(&settings).await?;
                db::migrate(&conn).await?;
                // The key is checked as at start: a purge must not run
                // against data it could not have opened.
                crate::vault::open_for(&conn, settings.data_key_source()).await?;
                let now = chrono::Utc::now();
                let policy = settings.retention;
                if dry_run {
                    let due = crate::retention::schedule(&conn, &policy, now).await?;
                    println!("due now under the retention policy (nothing is changed):");
                    for s in &due.submissions {
                        println!(
                            "  submission {} ({}, last activity {}, due {})",
                            s.id,
                            s.status.as_str(),
                            s.last_activity.date_naive(),
                            s.due_at.date_naive()
                        );
                    }
                    println!("  {} submission(s)", due.submissions.len());
                    for g in &due.groups {
                        println!("  {} {}", g.count, g.kind.label().to_lowercase());
                    }
                } else {
                    let outbox = settings.data_dir.join("outbox");
                    let purged = crate::retention::apply(&conn, &policy, &outbox).await?;
                    for (kind, n) in &purged.counts {
                        println!("purged {n} {}", kind.label().to_lowercase());
                    }
                }
                Ok(())
            }
            Command::Restore { from } => {
                crate::backup::restore(&settings, &from).await?;
                println!(
                    "restored {} into {}",
                    from.display(),
                    settings.data_dir.display()
                );
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            eprintln!("stipple: {e:#}");
            // A key that does not fit is a setting to change, like any other.
            if e.downcast_ref::<crate::vault::KeyError>().is_some()
                || e.downcast_ref::<crate::backup::Refused>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
