#![recursion_limit = "256"]
//! Stipple's user interface and the intake model shared by browser and server.
//!
//! `domain` compiles for wasm32 and native: the browser and the server check a
//! submission with the very same rules.

pub mod assets;
mod browser;
/// The intake model and rules (their own crate), known here by this name.
pub use stipple_domain as domain;
mod pages;
pub mod security;

use leptos::prelude::*;
use leptos_meta::MetaTags;
#[cfg(not(feature = "hydrate"))]
use leptos_meta::{provide_meta_context, Link, Meta, Title};
#[cfg(not(feature = "hydrate"))]
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around the app, rendered on the server.
///
/// Hydration is started by the static module `/hydrate.js` rather than an
/// inline script, so the Content-Security-Policy can forbid inline scripts.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security::set_page_csp();
    // Staff pages load the clinic's bundle; every other page the client's.
    let path = request_path();
    let glue = if path == "/staff" || path.starts_with("/staff/") {
        "stipple_staff.js"
    } else {
        "stipple.js"
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <link rel="stylesheet" href=assets::url("style.css")/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/favicon.ico" sizes="32x32"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="modulepreload" href=assets::url(glue)/>
                <script src=assets::url("outbox.js") defer></script>
                <script type="module" src=assets::url("hydrate.js")></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The path of the page being rendered (server only; empty elsewhere).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<actix_web::HttpRequest>()
            .map(|r| r.path().to_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <DocumentHead/>
        <Pages/>
    }
}

/// The document's title for a page's own ("About you · Intake · Stipple").
pub fn document_title(page: &str) -> String {
    if page.is_empty() {
        "Stipple".to_string()
    } else {
        format!("{page} · Stipple")
    }
}

/// The tags of the document's head, by leptos_meta (server only).
#[cfg(not(feature = "hydrate"))]
#[component]
fn DocumentHead() -> impl IntoView {
    provide_meta_context();
    view! {
        <Meta name="theme-color" content="#0f3d3e"/>
        <Meta name="description" content="Fill in your scalp micropigmentation intake and consent before your visit."/>
        <Link rel="canonical" href="/"/>
        <Title formatter=|t: String| document_title(&t)/>
        {pages::head_marker()}
    }
}

/// Both bundles keep the head the server wrote and set only the title
/// themselves: see [`pages::PageTitle`].
#[cfg(feature = "hydrate")]
#[component]
fn DocumentHead() -> impl IntoView {}

/// The server routes with the router.
#[cfg(not(feature = "hydrate"))]
#[component]
fn Pages() -> impl IntoView {
    view! {
        <Router>
            <AppRoutes/>
        </Router>
    }
}

/// The client's bundle picks its page from the path itself: its three pages
/// are whole page loads and the router's boxed views are a large part of a
/// WASM bundle a phone must download. The router renders no markup of its
/// own, so the server's HTML hydrates the same.
#[cfg(all(feature = "hydrate", not(feature = "staff-bundle")))]
#[component]
fn Pages() -> impl IntoView {
    use leptos::either::EitherOf3;
    let path = browser::path();
    let intake = path == "/intake"
        || path
            .strip_prefix("/intake/")
            .is_some_and(|t| !t.is_empty() && !t.contains('/'));
    if path == "/" {
        EitherOf3::A(pages::landing::Landing())
    } else if intake {
        EitherOf3::B(pages::intake::IntakePage())
    } else {
        EitherOf3::C(pages::not_found::NotFound())
    }
}

/// The clinic's bundle does the same for the staff pages: each link is a
/// whole page load, so the bundle carries no router.
#[cfg(all(feature = "hydrate", feature = "staff-bundle"))]
#[component]
fn Pages() -> impl IntoView {
    use leptos::either::EitherOf14;
    use pages::staff;
    let path = browser::path();
    let submission = path
        .strip_prefix("/staff/submissions/")
        .filter(|id| !id.is_empty() && !id.contains('/'));
    let below = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    };
    match path.as_str() {
        "/staff" => EitherOf14::A(staff::queue::QueuePage()),
        "/staff/login" => EitherOf14::B(staff::login::LoginPage()),
        "/staff/invites" => EitherOf14::D(staff::invites::InvitesPage()),
        "/staff/audit" => EitherOf14::E(staff::audit::AuditPage()),
        "/staff/team" => EitherOf14::G(staff::team::TeamPage()),
        "/staff/account" => EitherOf14::H(staff::account::AccountPage()),
        "/staff/join" => EitherOf14::I(staff::join::JoinPage()),
        "/staff/retention" => EitherOf14::J(staff::retention::RetentionPage()),
        "/staff/integrations" => EitherOf14::K(staff::integrations::IntegrationsPage()),
        "/staff/recall" => EitherOf14::L(staff::recall::RecallPage()),
        _ if submission.is_some() => EitherOf14::C(staff::detail::DetailPage()),
        _ if below("/staff/clients/") => EitherOf14::M(staff::client::ClientPage()),
        _ if below("/staff/sessions/") => EitherOf14::N(staff::session::SessionPage()),
        _ => EitherOf14::F(pages::not_found::NotFound()),
    }
}

/// Every page, on the server.
#[cfg(not(feature = "hydrate"))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("") view=pages::landing::Landing/>
            <Route path=path!("intake") view=pages::intake::IntakePage/>
            <Route path=path!("intake/:token") view=pages::intake::IntakePage/>
            <Route path=path!("staff") view=pages::staff::queue::QueuePage/>
            <Route path=path!("staff/login") view=pages::staff::login::LoginPage/>
            <Route path=path!("staff/submissions/:id") view=pages::staff::detail::DetailPage/>
            <Route path=path!("staff/invites") view=pages::staff::invites::InvitesPage/>
            <Route path=path!("staff/audit") view=pages::staff::audit::AuditPage/>
            <Route path=path!("staff/team") view=pages::staff::team::TeamPage/>
            <Route path=path!("staff/account") view=pages::staff::account::AccountPage/>
            <Route path=path!("staff/join") view=pages::staff::join::JoinPage/>
            <Route path=path!("staff/retention") view=pages::staff::retention::RetentionPage/>
            <Route path=path!("staff/integrations") view=pages::staff::integrations::IntegrationsPage/>
            <Route path=path!("staff/recall") view=pages::staff::recall::RecallPage/>
            <Route path=path!("staff/clients/:id") view=pages::staff::client::ClientPage/>
            <Route path=path!("staff/sessions/:id") view=pages::staff::session::SessionPage/>
        </Routes>
    }
}

/// Entry point called by `/hydrate.js` once the WASM is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
