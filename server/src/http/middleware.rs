//! Request ids, request logging and security headers.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::{DefaultHeaders, Next},
    Error,
};
use tracing::Instrument;

/// `hsts`: whenever staff cookies are `Secure`, i.e. the app is reached
/// over HTTPS, browsers are told to use nothing else.
pub fn security_headers(hsts: bool) -> DefaultHeaders {
    let headers = if hsts {
        DefaultHeaders::new().add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add((
            "Content-Security-Policy",
            stipple_app::security::content_security_policy(None),
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        // Pages are never used stale from the HTTP cache: a release is seen
        // at once (offline copies are the service worker's business).
        .add(("Cache-Control", "no-cache"))
}

/// Gives each request an id (logged and returned as `X-Request-Id`) and logs
/// one line per response with its status and duration.
///
/// The log names the route (`/intake/{token}`), never the path as sent:
/// invite links carry their secret in the path, and logs are kept, copied
/// and read by more people than the records. The query is never logged.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| without_secrets(req.path()));
    let span =
        tracing::info_span!("request", request_id = %id, method = %req.method(), route = %route);
    let started = std::time::Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "response"
        )
    });
    Ok(res)
}

/// A path no route matched, with every segment long enough to be a token
/// replaced: what was asked for stays readable, no secret survives.
fn without_secrets(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.len() >= 16 { "{redacted}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_segments_are_replaced() {
        assert_eq!(
            super::without_secrets("/intake/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5/x"),
            "/intake/{redacted}/x"
        );
        assert_eq!(super::without_secrets("/favicon.ico"), "/favicon.ico");
    }
}
