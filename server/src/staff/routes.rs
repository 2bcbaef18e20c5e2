//! Every staff endpoint, in one table: the routes are registered from it
//! and one guard enforces it, so a route cannot be added without saying
//! who may call it. Tests walk the same table.

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::{from_fn, Next},
    web, FromRequest, HttpMessage, HttpRequest, ResponseError, Route,
};
use subtle::ConstantTimeEq;

use super::{
    accounts::Role,
    handlers::{audit, auth, invites, submissions},
    session::{self, StaffIdentity},
};
use crate::{http::api_error::ApiError, startup::AppState};

pub const PREFIX: &str = "/api/v1/staff";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Delete => "DELETE",
        }
    }

    /// State-changing requests must carry the CSRF token.
    pub fn changes_state(self) -> bool {
        self != Verb::Get
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Signing in: the only staff route open without a session.
    Anyone,
    Staff,
    Admin,
}

pub struct Endpoint {
    pub verb: Verb,
    /// Below [`PREFIX`]; `{id}` stands for one path segment.
    pub path: &'static str,
    pub access: Access,
    route: fn() -> Route,
}

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Post,
        path: "/login",
        access: Access::Anyone,
        route: || web::post().to(auth::login),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/logout",
        access: Access::Staff,
        route: || web::post().to(auth::logout),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/me",
        access: Access::Staff,
        route: || web::get().to(auth::me),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/submissions",
        access: Access::Staff,
        route: || web::get().to(submissions::list),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/submissions/{id}",
        access: Access::Staff,
        route: || web::get().to(submissions::detail),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/submissions/{id}",
        access: Access::Admin,
        route: || web::delete().to(submissions::delete),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/submissions/{id}/status",
        access: Access::Staff,
        route: || web::post().to(submissions::set_status),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/submissions/{id}/notes",
        access: Access::Staff,
        route: || web::post().to(submissions::add_note),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/submissions/{id}/consent.pdf",
        access: Access::Staff,
        route: || web::get().to(submissions::consent_pdf),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/submissions/{id}/email",
        access: Access::Staff,
        route: || web::post().to(submissions::email_pdf),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/export.csv",
        access: Access::Admin,
        route: || web::get().to(submissions::export_csv),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/invites",
        access: Access::Staff,
        route: || web::post().to(invites::create),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/invites",
        access: Access::Staff,
        route: || web::get().to(invites::list),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/audit",
        access: Access::Admin,
        route: || web::get().to(audit::list),
    },
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope(PREFIX).wrap(from_fn(guard));
    let mut paths: Vec<&str> = Vec::new();
    for e in ENDPOINTS {
        if !paths.contains(&e.path) {
            paths.push(e.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(path);
        for e in ENDPOINTS.iter().filter(|e| e.path == path) {
            resource = resource.route((e.route)());
        }
        scope = scope.service(resource);
    }
    cfg.service(scope);
}

fn matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut a = path.split('/');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(ps), Some(seg)) if ps.starts_with('{') => {
                if seg.is_empty() {
                    return false;
                }
            }
            (Some(ps), Some(seg)) if ps == seg => {}
            _ => return false,
        }
    }
}

/// The endpoint for a method and a path below [`PREFIX`]. The path must be
/// the router's decoded one: `%73ubmissions` is routed as `submissions`.
fn endpoint_for(method: &str, rest: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.verb.as_str() == method && matches(e.path, rest))
}

/// Session, role and CSRF checks for every staff route, in that order:
/// 401 without a live session, 403 for a role or a CSRF token that falls short.
async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // What the router will match: the decoded rest of the path after the
    // scope. Anything not in the table is refused here, so no spelling of
    // a path can reach a handler unchecked.
    let rest = req.match_info().unprocessed().to_string();
    let Some(endpoint) = endpoint_for(req.method().as_str(), &rest) else {
        let allowed: Vec<&str> = ENDPOINTS
            .iter()
            .filter(|e| matches(e.path, &rest))
            .map(|e| e.verb.as_str())
            .collect();
        let error = if allowed.is_empty() {
            ApiError::NotFound
        } else {
            ApiError::MethodNotAllowed(allowed.join(", "))
        };
        return Ok(req
            .into_response(error.error_response())
            .map_into_right_body());
    };
    if endpoint.access == Access::Anyone {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let refuse = |req: ServiceRequest, e: ApiError| {
        Ok(req.into_response(e.error_response()).map_into_right_body())
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("state is registered")
        .clone();
    let who = match session::resolve(&state.db, &state.settings, req.request()).await {
        Ok(Some(who)) => who,
        Ok(None) => return refuse(req, ApiError::Unauthorized),
        Err(e) => return refuse(req, ApiError::from(e)),
    };
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

/// The signed-in staff member, as the guard found them. Every staff
/// handler takes this (or [`Admin`]): a second line behind the guard.
pub struct Staff(pub StaffIdentity);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<StaffIdentity>()
                .cloned()
                .map(Staff)
                .ok_or(ApiError::Unauthorized),
        )
    }
}

/// A signed-in administrator.
pub struct Admin(pub StaffIdentity);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(match req.extensions().get::<StaffIdentity>() {
            None => Err(ApiError::Unauthorized),
            Some(who) if who.role != Role::Admin => {
                Err(ApiError::Forbidden("This needs an administrator"))
            }
            Some(who) => Ok(Admin(who.clone())),
        })
    }
}

/// The caller's IP, as recorded in the audit log and used for throttling.
pub fn client_ip(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.trusted_proxies.clone())
        .unwrap_or_default();
    crate::http::client_ip::client_ip(req, &trusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        assert!(matches("/submissions/{id}", "/submissions/abc"));
        assert!(!matches("/submissions/{id}", "/submissions/"));
        assert!(!matches("/submissions/{id}", "/submissions/abc/notes"));
        assert!(matches("/submissions/{id}/notes", "/submissions/abc/notes"));
        assert!(!matches("/me", "/meet"));
        assert_eq!(
            endpoint_for("DELETE", "/submissions/x").map(|e| e.access),
            Some(Access::Admin)
        );
        assert!(endpoint_for("PUT", "/me").is_none());
    }

    #[test]
    fn only_login_is_open() {
        let open: Vec<&str> = ENDPOINTS
            .iter()
            .filter(|e| e.access == Access::Anyone)
            .map(|e| e.path)
            .collect();
        assert_eq!(open, ["/login"]);
    }
}
