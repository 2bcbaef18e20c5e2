//! HTTP surface: routes, middleware, error mapping and static files.

pub mod api_error;
pub mod body;
pub mod client_ip;
pub mod errors;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod static_files;

use actix_web::web;

use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig, state: &web::Data<AppState>) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/api/v1/openapi.json", web::get().to(openapi::document))
        // A query string that does not parse gets a JSON 400 like every other error.
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            api_error::ApiError::BadRequest(format!("The query string is not valid: {err}")).into()
        }));
    crate::intake::handlers::configure(cfg);
    crate::staff::routes::configure(cfg);
    static_files::configure(cfg, &state.settings.site_root);
}
