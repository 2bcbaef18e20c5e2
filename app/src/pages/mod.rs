//! The pages. The browser gets two bundles: the client's (landing and
//! intake) and the clinic's (staff), so a phone never downloads the staff
//! screens. The server renders every page.

#[cfg(not(feature = "staff-bundle"))]
pub mod intake;
#[cfg(not(feature = "staff-bundle"))]
pub mod landing;
pub mod not_found;
#[cfg(any(not(feature = "hydrate"), feature = "staff-bundle"))]
pub mod staff;

use leptos::prelude::*;

/// An empty marker in the body (`<!>`). Head tags put nothing in the body;
/// where the server writes them, the bundles, which have none, hydrate this
/// marker instead.
#[cfg(not(feature = "hydrate"))]
pub fn head_marker() -> impl IntoView {}

/// The page's title, in the tab and for screen readers.
#[cfg(not(feature = "hydrate"))]
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    view! { <leptos_meta::Title text=text/> {head_marker()} }
}

/// The same in the browser, set on the document directly: leptos_meta is a
/// sizeable part of a download for one line of text.
#[cfg(feature = "hydrate")]
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    Effect::new(move |_| crate::browser::set_title(&crate::document_title(&text.get())));
}
