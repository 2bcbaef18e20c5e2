//! Stipple's server as a library, so tests start exactly what `stipple serve` runs.

pub mod cli;
pub mod config;
pub mod consent;
/// The consent PDF renderer lives in its own crate (it is fuzzed and
/// benchmarked alone); the server knows it by this name.
pub use stipple_pdf as consent_pdf;
pub mod db;
pub mod entities;
pub mod http;
pub mod intake;
pub mod mail;
pub mod secret;
pub mod staff;
pub mod startup;
pub mod telemetry;
