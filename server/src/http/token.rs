//! Tokens presented by a client.

use actix_web::{http::header, web, HttpRequest};

/// The bearer token from `Authorization`.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// `?token=`: only short-lived, single-purpose links carry one, since a URL
/// ends up in histories and logs.
pub fn query_token(req: &HttpRequest) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("token").cloned())
}
