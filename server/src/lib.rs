//! Stipple's server as a library, so tests start exactly what `stipple serve` runs.
//!
//! Layers, each importing only those above it:
//! - shared: `config`, `db`, `entities`, `secret`, `endpoints` (route
//!   tables), `state`, `http`, `mail`, `consent`, `audit` (recording);
//! - `auth`: staff accounts, sessions and the guard of the staff routes;
//! - features: `intake` (the client's submissions), `invites`, `review`
//!   (the staff queue), each with its own route table;
//! - `retention`: the policy's daily purge, over the features above;
//! - `startup` wires the features' tables into one server; `openapi`
//!   describes them.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod consent;
pub mod course;
/// The consent PDF renderer lives in its own crate (it is fuzzed and
/// benchmarked alone); the server knows it by this name.
pub use stipple_pdf as consent_pdf;
pub mod db;
pub mod endpoints;
pub mod entities;
pub mod files;
pub mod http;
pub mod intake;
pub mod invites;
pub mod limits;
pub mod mail;
pub mod openapi;
pub mod retention;
pub mod review;
pub mod secret;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod vault;
pub mod webhooks;
