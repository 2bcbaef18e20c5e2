use actix_web::{http::header, web, HttpResponse};
use chrono::Utc;
use sea_orm::{
    sea_query::{Alias, OnConflict, Query},
    ConnectionTrait,
};
use stipple_app::domain::api::Health;

use crate::state::AppState;

/// 200 when the database takes a write, 503 otherwise (load balancers and
/// monitors). A write, not a ping: a read-only database still answers
/// queries but cannot store an intake.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "The database takes a write.", body = Health),
        (status = 503, description = "The database does not answer.", body = Health,
            headers(("Retry-After" = u64))),
    ))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    // Anyone may call this: a success is reused for a moment, so a flood of
    // health checks does not become a flood of writes.
    let fresh = state
        .healthy_at
        .lock()
        .expect("health lock")
        .is_some_and(|t| t.elapsed() < PROBE_REUSE);
    if fresh {
        return healthy();
    }
    let probe = Query::insert()
        .into_table(Alias::new("health_probe"))
        .columns([Alias::new("id"), Alias::new("checked_at")])
        .values_panic([1.into(), Utc::now().into()])
        .on_conflict(
            OnConflict::column(Alias::new("id"))
                .update_column(Alias::new("checked_at"))
                .to_owned(),
        )
        .to_owned();
    let backend = state.db.get_database_backend();
    match state.db.execute_raw(backend.build(&probe)).await {
        Ok(_) => {
            *state.healthy_at.lock().expect("health lock") = Some(std::time::Instant::now());
            healthy()
        }
        Err(e) => {
            *state.healthy_at.lock().expect("health lock") = None;
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .insert_header((header::RETRY_AFTER, "5"))
                .json(Health {
                    status: "unavailable".into(),
                    database: Some("unavailable".into()),
                })
        }
    }
}

/// How long a successful write probe stands for the next checks.
const PROBE_REUSE: std::time::Duration = std::time::Duration::from_secs(2);

fn healthy() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Health {
            status: "ok".into(),
            database: None,
        })
}
