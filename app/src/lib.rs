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
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
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
                <link rel="apple-touch-icon" href=assets::url("icon-192.png")/>
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
    provide_meta_context();
    view! {
        <Meta name="theme-color" content="#0f3d3e"/>
        <Meta name="description" content="Fill in your scalp micropigmentation intake and consent before your visit."/>
        <Link rel="canonical" href="/"/>
        <Title formatter=|t: String| if t.is_empty() { "Stipple".to_string() } else { format!("{t} · Stipple") }/>
        <Router>
            <AppRoutes/>
        </Router>
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
        </Routes>
    }
}

/// The client's bundle: the landing page and the intake.
#[cfg(all(feature = "hydrate", not(feature = "staff-bundle")))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("") view=pages::landing::Landing/>
            <Route path=path!("intake") view=pages::intake::IntakePage/>
            <Route path=path!("intake/:token") view=pages::intake::IntakePage/>
        </Routes>
    }
}

/// The clinic's bundle: the staff pages.
#[cfg(all(feature = "hydrate", feature = "staff-bundle"))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("staff") view=pages::staff::queue::QueuePage/>
            <Route path=path!("staff/login") view=pages::staff::login::LoginPage/>
            <Route path=path!("staff/submissions/:id") view=pages::staff::detail::DetailPage/>
            <Route path=path!("staff/invites") view=pages::staff::invites::InvitesPage/>
            <Route path=path!("staff/audit") view=pages::staff::audit::AuditPage/>
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
