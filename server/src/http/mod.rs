//! HTTP surface shared by the features: route tables, middleware, error
//! mapping, bodies, PDF responses, tokens, client addresses, static files.

pub mod api_error;
pub mod body;
pub mod client_ip;
pub mod csv_file;
pub mod errors;
pub mod health;
pub mod middleware;
pub mod pdf;
pub mod routes;
pub mod static_files;
pub mod token;

use crate::endpoints::{Access, Endpoint, Verb};
use actix_web::web;

pub static ENDPOINTS: &[Endpoint] = &[Endpoint {
    verb: Verb::Get,
    path: "/healthz",
    access: Access::Anyone,
    handler: |r| r.to(health::healthz),
}];

/// What every route shares: a query string that does not parse gets a
/// JSON 400 like every other error.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| {
        api_error::ApiError::BadRequest(format!("The query string is not valid: {err}")).into()
    }));
}
