//! `stipple`: starts the server or runs one of its maintenance commands.

use clap::Parser;
use stipple_server::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    cli::run(Cli::parse())
}
