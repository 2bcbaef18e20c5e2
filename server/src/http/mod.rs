//! HTTP surface: routes, middleware, error mapping and static files.

pub mod api_error;
pub mod body;
pub mod client_ip;
pub mod errors;
pub mod health;
pub mod middleware;
pub mod static_files;

use actix_web::web;

use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig, state: &web::Data<AppState>) {
    cfg.route("/healthz", web::get().to(health::healthz));
    crate::intake::handlers::configure(cfg);
    crate::staff::routes::configure(cfg);
    static_files::configure(cfg, &state.settings.site_root);
}
