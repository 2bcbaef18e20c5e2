use std::collections::HashMap;

use stipple_tests::{asset_url, db_test};

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
            &asset_url("style.css"),
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
        assert!(html.contains(&format!(
            r#"<script type="module" src="{}">"#,
            asset_url("hydrate.js")
        )));
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
    let sw = sw.text().await.unwrap();
    assert!(sw.contains("caches.open"));
    // The build gave it this release's id and file list.
    assert!(!sw.contains(r#"const RELEASE = "dev";"#), "{sw}");
    assert!(sw.contains(&asset_url("stipple_bg.wasm")), "{sw}");
    assert!(sw.contains(&asset_url("outbox.js")), "{sw}");
    assert!(
        !sw.contains("stipple_staff"),
        "the clinic's bundle is not cached on phones"
    );

    let ico = app.get("/favicon.ico").await;
    assert_eq!(ico.status(), 200);
    assert_eq!(ico.headers()["content-type"], "image/x-icon");

    let wasm = app.get(&asset_url("stipple_bg.wasm")).await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
});

db_test!(
    hashed_assets_are_sent_precompressed_and_cached_for_a_year,
    |app| {
        let client = reqwest::Client::new();
        for name in ["stipple_bg.wasm", "stipple.js", "style.css", "hydrate.js"] {
            let url = app.url(&asset_url(name));
            let plain = client.get(&url).send().await.unwrap();
            assert_eq!(plain.status(), 200, "{name}");
            assert_eq!(
                plain.headers()["cache-control"],
                "public, max-age=31536000, immutable",
                "{name}"
            );
            assert_eq!(plain.headers()["vary"], "Accept-Encoding", "{name}");
            assert!(plain.headers().get("content-encoding").is_none(), "{name}");
            let plain = plain.bytes().await.unwrap();

            for (accept, coding) in [
                ("gzip, deflate, br", "br"),
                ("br;q=1.0, gzip;q=0.8", "br"),
                ("gzip", "gzip"),
                ("br;q=0, gzip", "gzip"),
                ("identity", ""),
            ] {
                let res = client
                    .get(&url)
                    .header("Accept-Encoding", accept)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200, "{name} {accept}");
                let got = res
                    .headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default();
                assert_eq!(got, coding, "{name} {accept}");
                let body = res.bytes().await.unwrap();
                // The compressed form is smaller and is the same file.
                let decoded = match coding {
                    "br" => {
                        let mut out = Vec::new();
                        brotli_decompress(&body, &mut out);
                        out
                    }
                    "gzip" => {
                        use std::io::Read;
                        let mut out = Vec::new();
                        flate2::read::GzDecoder::new(&body[..])
                            .read_to_end(&mut out)
                            .unwrap();
                        out
                    }
                    _ => body.to_vec(),
                };
                assert_eq!(decoded, plain, "{name} {accept}");
                if !coding.is_empty() {
                    assert!(body.len() < plain.len(), "{name} {accept}");
                }
            }
        }
        // Pages are revalidated every time, so a release is seen at once.
        let page = app.get("/intake").await;
        assert_eq!(page.headers()["cache-control"], "no-cache");
        // Old and unknown hashed names are not found.
        assert_eq!(
            app.get("/assets/stipple_bg.000000000000.wasm")
                .await
                .status(),
            404
        );
    }
);

fn brotli_decompress(input: &[u8], out: &mut Vec<u8>) {
    let mut child = std::process::Command::new("brotli")
        .args(["-d", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("brotli (Debian package) decodes");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    out.extend_from_slice(&output.stdout);
}

db_test!(unknown_and_traversal_paths_are_404, |app| {
    for path in [
        "/nope",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..%2fassets.json",
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
