//! Reads a request body with the size limit and content-type checks the API
//! promises (413 and 415 with JSON errors, not framework text).

use actix_web::{http::header, web, HttpRequest};
use futures_util::StreamExt;

use super::api_error::ApiError;
use crate::state::AppState;

pub async fn read_json(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    read(req, payload, limit, &["application/json"]).await
}

/// A body of one of the `accepted` media types, at most `limit` bytes.
pub async fn read(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    accepted: &[&'static str],
) -> Result<web::Bytes, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !accepted.iter().any(|a| mime.eq_ignore_ascii_case(a)) {
        return Err(ApiError::UnsupportedMediaType(accepted[0]));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(8 * 1024).min(limit));
    // A sender that trickles its body would hold a connection and a buffer
    // for as long as it likes: the whole body must arrive in time.
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map_or(30, |s| s.settings.body_timeout_secs);
    let reading = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::BadRequest(format!("The request body could not be read: {e}"))
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    };
    tokio::time::timeout(std::time::Duration::from_secs(timeout), reading)
        .await
        .map_err(|_| ApiError::RequestTimeout)??;
    Ok(body.freeze())
}

/// A JSON body of at most `limit` bytes read as `T`; one that does not fit
/// the type is 400 with an example of what to send.
pub async fn json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    example: impl FnOnce() -> String,
) -> Result<T, ApiError> {
    let bytes = read_json(req, payload, limit).await?;
    serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::BadRequest(format!("Send JSON like {}", example())))
}
