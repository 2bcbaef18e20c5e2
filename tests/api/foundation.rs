use std::collections::HashMap;

use stipple_tests::db_test;

db_test!(healthz_answers_when_the_database_does, |app| {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
});

db_test!(
    every_response_has_security_headers_and_a_request_id,
    |app| {
        for path in [
            "/",
            "/healthz",
            "/api/v1/consent-template",
            "/nope",
            "/style.css",
        ] {
            let res = app.get(path).await;
            let h = res.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{path}: {csp}"
            );
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(
                h.get_all("content-security-policy").iter().count(),
                1,
                "{path}"
            );
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
            assert_eq!(h["x-request-id"].len(), 36, "{path}");
        }
    }
);

db_test!(
    landing_page_is_server_rendered_without_inline_script,
    |app| {
        let res = app.get("/").await;
        assert_eq!(res.status(), 200);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = res.text().await.unwrap();
        assert!(html.contains("Start my intake"), "{html}");
        assert!(html.contains(r#"<script type="module" src="/hydrate.js">"#));
        assert!(html.contains(r#"rel="manifest" href="/manifest.webmanifest""#));
        // Every <script> loads a file or carries this response's CSP nonce.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .expect("page CSP has a nonce")
            .to_string();
        for tag in html.split("<script").skip(1) {
            let open_tag = tag.split('>').next().unwrap();
            assert!(
                open_tag.contains("src=") || open_tag.contains(&format!("nonce=\"{nonce}\"")),
                "script without src or nonce: <script{open_tag}>"
            );
        }
        // A fresh nonce per response.
        let again = app.get("/").await;
        assert!(!again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce));
        assert!(!html.to_lowercase().contains("regrows hair"));
    }
);

db_test!(pwa_files_are_served_with_their_types, |app| {
    let res = app.get("/manifest.webmanifest").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let manifest: serde_json::Value = res.json().await.unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/");
    assert!(manifest["name"].as_str().unwrap().contains("Stipple"));
    assert_eq!(manifest["short_name"], "Stipple");
    assert!(manifest["theme_color"].as_str().unwrap().starts_with('#'));
    let icons = manifest["icons"].as_array().unwrap();
    for (size, purpose) in [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ] {
        let icon = icons
            .iter()
            .find(|i| i["sizes"] == size && i["purpose"] == purpose)
            .unwrap_or_else(|| panic!("icon {size} {purpose}"));
        let res = app.get(icon["src"].as_str().unwrap()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        let bytes = res.bytes().await.unwrap();
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        assert_eq!(format!("{w}x{w}"), size);
    }

    let sw = app.get("/sw.js").await;
    assert_eq!(sw.status(), 200);
    assert!(sw.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    assert!(sw.text().await.unwrap().contains("caches.open"));

    let ico = app.get("/favicon.ico").await;
    assert_eq!(ico.status(), 200);
    assert_eq!(ico.headers()["content-type"], "image/x-icon");

    let wasm = app.get("/pkg/stipple_bg.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
});

db_test!(unknown_and_traversal_paths_are_404, |app| {
    for path in [
        "/nope",
        "/pkg/../Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
        "/icons/..%2f..%2fCargo.toml",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        let text = res.text().await.unwrap();
        assert!(!text.contains("[workspace]"), "{path}");
    }
    let api = app.get("/api/v1/nope").await;
    assert_eq!(api.status(), 404);
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["error"],
        "Not found"
    );
});

#[tokio::test]
async fn sqlite_file_is_created_in_the_data_dir() {
    let data = tempfile::tempdir().unwrap();
    let vars: HashMap<String, String> = [
        ("STIPPLE_BIND", "127.0.0.1:0".to_string()),
        (
            "STIPPLE_DATA_DIR",
            data.path().join("nested").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let settings = stipple_server::config::Settings::from_vars(&vars).unwrap();
    let app = stipple_server::startup::Application::build(settings)
        .await
        .unwrap();
    assert!(data.path().join("nested/stipple.db").exists());
    assert!(data.path().join("nested/secret.key").exists());
    assert_ne!(app.port(), 0);
}

#[tokio::test]
async fn a_bad_consent_template_stops_start_up_with_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.toml");
    std::fs::write(&file, "version = \"x y\"\n").unwrap();
    let extra = HashMap::from([(
        "STIPPLE_CONSENT_TEMPLATE".to_string(),
        file.display().to_string(),
    )]);
    let vars: HashMap<String, String> = [
        ("STIPPLE_BIND", "127.0.0.1:0".to_string()),
        ("STIPPLE_DATA_DIR", dir.path().display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .chain(extra)
    .collect();
    let settings = stipple_server::config::Settings::from_vars(&vars).unwrap();
    let err = stipple_server::startup::Application::build(settings)
        .await
        .err()
        .unwrap();
    assert!(
        format!("{err:#}").contains("STIPPLE_CONSENT_TEMPLATE"),
        "{err:#}"
    );
}
