use actix_web::{HttpRequest, HttpResponse, ResponseError};

use super::api_error::ApiError;

/// Unknown paths: JSON for the API, plain text elsewhere. Never echoes the path.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        ApiError::NotFound.error_response()
    } else {
        HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Not found")
    }
}
