//! Routes as tables: each feature lists its endpoints with who may call
//! them, the router is built from those lists and the staff guard
//! (`auth::guard`) enforces them, so a route cannot be added without saying
//! who may call it. Tests walk the same lists.

use actix_web::{web, Route};
use stipple_app::domain::states::ApiScope;

/// Below this, every route needs a staff session (except signing in).
pub const STAFF_PREFIX: &str = "/api/v1/staff";

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

    pub fn route(self) -> Route {
        match self {
            Verb::Get => web::get(),
            Verb::Post => web::post(),
            Verb::Delete => web::delete(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The public API, signing in, and one-time account links.
    Anyone,
    /// A session at any stage of signing in: the two-factor code, setting
    /// two-factor up, "who am I" and signing out.
    SigningIn,
    /// A session that has finished signing in.
    Staff,
    /// A session that has finished signing in, or an API token with this
    /// scope.
    StaffOr(ApiScope),
    /// Only an API token with this scope (a booking system's own route).
    Token(ApiScope),
    Admin,
}

pub struct Endpoint {
    pub verb: Verb,
    /// The whole path; `{name}` stands for one path segment.
    pub path: &'static str,
    pub access: Access,
    /// The route with its handler (the verb is applied by the table).
    pub handler: fn(Route) -> Route,
}

impl Endpoint {
    pub fn is_staff(&self) -> bool {
        self.path.starts_with(STAFF_PREFIX)
    }

    fn route(&self) -> Route {
        (self.handler)(self.verb.route())
    }
}

/// Whether `path` fills `pattern` segment by segment.
pub fn matches(pattern: &str, path: &str) -> bool {
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

pub fn all(
    tables: &'static [&'static [Endpoint]],
) -> impl Iterator<Item = &'static Endpoint> + Clone {
    tables.iter().flat_map(|t| t.iter())
}

/// Registers `endpoints` as resources, each path once with all its verbs;
/// `strip` is the prefix of the scope they are registered in.
pub fn register<'a>(
    mut add: impl FnMut(actix_web::Resource),
    endpoints: impl Iterator<Item = &'a Endpoint> + Clone,
    strip: &str,
) {
    let mut paths: Vec<&str> = Vec::new();
    for e in endpoints.clone() {
        if !paths.contains(&e.path) {
            paths.push(e.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(&path[strip.len()..]);
        for e in endpoints.clone().filter(|e| e.path == path) {
            resource = resource.route(e.route());
        }
        add(resource);
    }
}

/// Registers every endpoint outside the staff scope that is open to anyone
/// (`tokens::configure` adds the token-only ones behind their check). A
/// public path open to staff sessions would go unguarded: refused at
/// start-up.
pub fn configure_public(cfg: &mut web::ServiceConfig, tables: &'static [&'static [Endpoint]]) {
    let public = all(tables).filter(|e| !e.is_staff());
    for e in public.clone() {
        assert!(
            matches!(e.access, Access::Anyone | Access::Token(_)),
            "{} is outside {STAFF_PREFIX} but not public",
            e.path
        );
        assert!(
            all(tables).all(|o| o.path != e.path
                || matches!(o.access, Access::Token(_)) == matches!(e.access, Access::Token(_))),
            "{} mixes public and token-only verbs",
            e.path
        );
    }
    register(
        |r| {
            cfg.service(r);
        },
        public.filter(|e| e.access == Access::Anyone),
        "",
    );
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
    }
}
