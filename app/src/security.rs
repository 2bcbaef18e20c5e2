//! The Content-Security-Policy, in one place for pages and API responses.

/// No inline script except the few lines hydration writes, which carry the
/// page's nonce. WebAssembly needs `wasm-unsafe-eval`; signatures are drawn
/// into `data:`/`blob:` images.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'wasm-unsafe-eval' 'nonce-{n}'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets this page's CSP with its nonce (server rendering only).
#[cfg(feature = "ssr")]
pub fn set_page_csp() {
    use actix_web::http::header::{HeaderName, HeaderValue};
    use leptos::prelude::use_context;
    let (Some(resp), Some(nonce)) = (
        use_context::<leptos_actix::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&content_security_policy(Some(&nonce.to_string()))) {
        resp.insert_header(HeaderName::from_static("content-security-policy"), v);
    }
}
