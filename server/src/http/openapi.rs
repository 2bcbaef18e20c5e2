//! `GET /api/v1/openapi.json`: the API described for other programs.
//! Written by hand and kept honest by tests that compare it with the routes
//! and by schemathesis runs against the live server.

use actix_web::{http::header, HttpResponse};

pub const DOCUMENT: &str = include_str!("../../openapi.json");

pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(DOCUMENT)
}
