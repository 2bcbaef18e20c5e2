//! Stipple's server as a library, so tests start exactly what `stipple serve` runs.

pub mod cli;
pub mod config;
pub mod consent;
pub mod consent_pdf;
pub mod db;
pub mod entities;
pub mod http;
pub mod intake;
pub mod mail;
pub mod secret;
pub mod staff;
pub mod startup;
pub mod telemetry;
