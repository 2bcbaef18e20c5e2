//! Command-line entry: `stipple [serve]` and `stipple migrate`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{config::Settings, db, startup::Application, telemetry};

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
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            eprintln!("stipple: {e:#}");
            ExitCode::FAILURE
        }
    }
}
