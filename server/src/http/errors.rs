use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// Unknown paths: JSON for the API, plain text elsewhere. Never echoes the path.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        HttpResponse::NotFound().json(json!({"error": "Not found"}))
    } else {
        HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Not found")
    }
}
