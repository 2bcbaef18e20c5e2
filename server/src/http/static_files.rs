//! The built site: WASM bundle, stylesheet, PWA files and icons.
//!
//! Files are looked up by a plain file name only: anything with a slash,
//! dot-dot, percent sign or other odd character is a 404 before the file
//! system is touched.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{http::header, web, HttpRequest, HttpResponse};

/// Files at the site root, with the types browsers need for them.
const ROOT_FILES: &[&str] = &[
    "style.css",
    "hydrate.js",
    "sw.js",
    "manifest.webmanifest",
    "favicon.ico",
];

pub fn configure(cfg: &mut web::ServiceConfig, site_root: &Path) {
    for name in ROOT_FILES {
        let file = site_root.join(name);
        cfg.route(
            &format!("/{name}"),
            web::get().to(move |req: HttpRequest| {
                let file = file.clone();
                async move { serve(&req, &file) }
            }),
        );
    }
    for dir in ["pkg", "icons"] {
        let base = site_root.join(dir);
        cfg.route(
            &format!("/{dir}/{{file}}"),
            web::get().to(move |req: HttpRequest, name: web::Path<String>| {
                let base = base.clone();
                async move {
                    match safe_join(&base, &name) {
                        Some(file) => serve(&req, &file),
                        None => HttpResponse::NotFound().finish(),
                    }
                }
            }),
        );
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

fn serve(req: &HttpRequest, file: &Path) -> HttpResponse {
    match NamedFile::open(file) {
        Ok(f) => {
            let mut res = f
                .set_content_type(content_type(file).parse().expect("static mime types parse"))
                .into_response(req);
            // Revalidate each time (ETag makes it cheap) so a release is seen;
            // hashed names with long-lived caching come with the offline work.
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-cache"),
            );
            res
        }
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_joined() {
        let base = Path::new("/site/pkg");
        assert_eq!(safe_join(base, "stipple.js"), Some(base.join("stipple.js")));
        for bad in ["", "..", ".env", "../x", "a/b", "%2e%2e", "a\\b", "x y"] {
            assert_eq!(safe_join(base, bad), None, "{bad}");
        }
    }
}
