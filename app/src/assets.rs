//! URLs of the release's static files. The build names each file after a
//! hash of its content (`/assets/style.3f2a….css`), so browsers may keep it
//! for a year; the server reads that naming from the site's `assets.json`
//! once at start-up and pages ask here for the current URL.

use std::{collections::HashMap, sync::OnceLock};

static HASHED: OnceLock<HashMap<String, String>> = OnceLock::new();

/// Installs the build's naming (file name → URL). Called once at start-up.
pub fn install(names: HashMap<String, String>) {
    let _ = HASHED.set(names);
}

/// The URL of a built file, e.g. `url("style.css")`. A site built without
/// hashing serves files under their plain names in `/assets/`.
pub fn url(name: &str) -> String {
    HASHED
        .get()
        .and_then(|m| m.get(name).cloned())
        .unwrap_or_else(|| format!("/assets/{name}"))
}
