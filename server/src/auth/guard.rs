//! Session, sign-in stage, role and CSRF checks for every route below
//! `/api/v1/staff`, in that order: 401 without a live session (or while it
//! waits for the two-factor code), 403 while two-factor sign-in must still
//! be set up, and for a role or a CSRF token that falls short. Who may call what comes from the features' endpoint
//! tables (`http::routes`).

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::{from_fn, Next},
    web, HttpMessage, ResponseError,
};
use stipple_app::domain::states::Role;
use subtle::ConstantTimeEq;

use super::session;
use crate::{
    endpoints::{self as routes, Access, Endpoint, STAFF_PREFIX},
    http::api_error::ApiError,
    state::AppState,
};

/// The staff scope: every staff endpoint of every table, behind the guard.
pub fn configure(cfg: &mut web::ServiceConfig, tables: &'static [&'static [Endpoint]]) {
    let mut scope = Some(web::scope(STAFF_PREFIX).wrap(from_fn(guard)));
    routes::register(
        |r| scope = scope.take().map(|s| s.service(r)),
        routes::all(tables).filter(|e| e.is_staff()),
        STAFF_PREFIX,
    );
    cfg.service(scope.expect("the scope is kept"));
}

/// The endpoint for a method and a whole path. The path must be the
/// router's decoded one: `%73ubmissions` is routed as `submissions`.
pub fn endpoint_for(
    tables: &'static [&'static [Endpoint]],
    method: &str,
    path: &str,
) -> Option<&'static Endpoint> {
    routes::all(tables).find(|e| e.verb.as_str() == method && routes::matches(e.path, path))
}

async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("state is registered")
        .clone();
    // What the router will match: the decoded rest of the path after the
    // scope. Anything not in the tables is refused here, so no spelling of
    // a path can reach a handler unchecked.
    let path = format!("{STAFF_PREFIX}{}", req.match_info().unprocessed());
    let refuse = |req: ServiceRequest, e: ApiError| {
        Ok(req.into_response(e.error_response()).map_into_right_body())
    };
    let Some(endpoint) = endpoint_for(state.endpoints, req.method().as_str(), &path) else {
        let allowed: Vec<&str> = routes::all(state.endpoints)
            .filter(|e| routes::matches(e.path, &path))
            .map(|e| e.verb.as_str())
            .collect();
        let error = if allowed.is_empty() {
            ApiError::NotFound
        } else {
            ApiError::MethodNotAllowed(allowed.join(", "))
        };
        return refuse(req, error);
    };
    if endpoint.access == Access::Anyone {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    // A request with a token is judged by the token alone (its cookies
    // grant nothing), and needs no CSRF token: a browser never adds one.
    if let Some(token) = crate::tokens::bearer(&req) {
        return match crate::tokens::authenticate(&state, &req, &token, endpoint).await {
            Ok(t) => {
                req.extensions_mut().insert(t);
                Ok(next.call(req).await?.map_into_left_body())
            }
            Err(e) => refuse(req, e),
        };
    }
    if matches!(endpoint.access, Access::Token(_)) {
        return refuse(req, ApiError::Unauthorized);
    }
    let who = match session::resolve(&state.db, &state.settings, req.request()).await {
        Ok(Some(who)) => who,
        Ok(None) => return refuse(req, ApiError::Unauthorized),
        Err(e) => return refuse(req, ApiError::from(e)),
    };
    if endpoint.access != Access::SigningIn {
        if let Err(e) = crate::http::routes::ready(&who) {
            return refuse(req, e);
        }
    }
    if endpoint.access == Access::Admin && who.role != Role::Admin {
        return refuse(req, ApiError::Forbidden("This needs an administrator"));
    }
    if endpoint.verb.changes_state() {
        let presented = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let ok: bool = presented.as_bytes().ct_eq(who.csrf_token.as_bytes()).into();
        if !ok {
            return refuse(req, ApiError::Forbidden("Missing or wrong CSRF token"));
        }
    }
    req.extensions_mut().insert(who);
    Ok(next.call(req).await?.map_into_left_body())
}
