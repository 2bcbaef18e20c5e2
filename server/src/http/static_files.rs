//! The built site: the release's hashed assets, the PWA files and icons.
//!
//! `/assets/…` names carry a hash of their content (see scripts/assets.py),
//! so they are cached for a year and sent in the brotli or gzip form the
//! build made, as the browser's `Accept-Encoding` allows. Files that keep
//! their name across releases (the service worker, the manifest, icons)
//! are revalidated on every use.
//!
//! Files are looked up by a plain file name only: anything with a slash,
//! dot-dot, percent sign or other odd character is a 404 before the file
//! system is touched.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use actix_files::NamedFile;
use actix_web::{
    http::header::{self, ContentEncoding, HeaderValue},
    web, HttpRequest, HttpResponse,
};

/// Files at the site root that keep their URL across releases.
const ROOT_FILES: &[&str] = &["sw.js", "manifest.webmanifest", "favicon.ico"];

/// Hashed names never change content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn configure(cfg: &mut web::ServiceConfig, site_root: &Path) {
    for name in ROOT_FILES {
        let file = site_root.join(name);
        cfg.route(
            &format!("/{name}"),
            web::get().to(move |req: HttpRequest| {
                let file = file.clone();
                async move { serve(&req, &file, false) }
            }),
        );
    }
    for (dir, immutable) in [("assets", true), ("icons", false)] {
        let base = site_root.join(dir);
        cfg.route(
            &format!("/{dir}/{{file}}"),
            web::get().to(move |req: HttpRequest, name: web::Path<String>| {
                let base = base.clone();
                async move {
                    match safe_join(&base, &name) {
                        Some(file) => serve(&req, &file, immutable),
                        None => HttpResponse::NotFound().finish(),
                    }
                }
            }),
        );
    }
}

/// Reads the build's naming of assets (`assets.json`) for the pages. A site
/// built without it still serves, under plain names.
pub fn load_asset_names(site_root: &Path) {
    let file = site_root.join("assets.json");
    match std::fs::read(&file)
        .map_err(|e| e.to_string())
        .and_then(|b| {
            serde_json::from_slice::<HashMap<String, String>>(&b).map_err(|e| e.to_string())
        }) {
        Ok(names) => stipple_app::assets::install(names),
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "no asset names; run scripts/build.sh")
        }
    }
}

fn safe_join(base: &Path, name: &str) -> Option<PathBuf> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then(|| base.join(name))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "ico" => "image/x-icon",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The precompressed forms the browser accepts, best first.
fn encodings(req: &HttpRequest) -> Vec<(ContentEncoding, &'static str)> {
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |coding: &str| {
        accept.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            // `q=0` (however written) means "not this one".
            let refused = it.any(|p| {
                let p = p.replace(' ', "");
                p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    let mut out = Vec::new();
    if accepts("br") {
        out.push((ContentEncoding::Brotli, "br"));
    }
    if accepts("gzip") {
        out.push((ContentEncoding::Gzip, "gz"));
    }
    out
}

fn serve(req: &HttpRequest, file: &Path, immutable: bool) -> HttpResponse {
    let mime = content_type(file);
    // The build's compressed copy when there is one the browser takes.
    let chosen = encodings(req).into_iter().find_map(|(coding, ext)| {
        let mut name = file.as_os_str().to_owned();
        name.push(format!(".{ext}"));
        NamedFile::open(PathBuf::from(name))
            .ok()
            .map(|f| (f, Some(coding)))
    });
    let Some((named, coding)) = chosen.or_else(|| NamedFile::open(file).ok().map(|f| (f, None)))
    else {
        return HttpResponse::NotFound().finish();
    };
    let mut named = named
        .set_content_type(mime.parse().expect("static mime types parse"))
        .disable_content_disposition();
    if let Some(coding) = coding {
        named = named.set_content_encoding(coding);
    }
    let mut res = named.into_response(req);
    let headers = res.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable { IMMUTABLE } else { "no-cache" }),
    );
    // Caches must keep the forms apart.
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_joined() {
        let base = Path::new("/site/assets");
        assert_eq!(safe_join(base, "stipple.js"), Some(base.join("stipple.js")));
        for bad in ["", "..", ".env", "../x", "a/b", "%2e%2e", "a\\b", "x y"] {
            assert_eq!(safe_join(base, bad), None, "{bad}");
        }
    }
}
