//! A new release: the installed service worker is replaced cleanly, the page
//! offers a reload, what the client typed survives it, old caches go.

use std::{collections::HashMap, time::Duration};

use stipple_tests::{browser, spawn_app_with, workspace_root, Backend};

use crate::wizard::{click, type_into};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_service_worker_takes_over_after_the_reload_prompt() {
    // A site of our own, so a "release" can be made under the running server.
    let site = tempfile::tempdir().unwrap();
    copy_dir(&workspace_root().join("target/site"), site.path());
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([(
            "STIPPLE_SITE_ROOT".to_string(),
            site.path().display().to_string(),
        )]),
    )
    .await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        "navigator.serviceWorker.controller !== null",
        "the first service worker to take control",
    )
    .await;
    let first = b
        .wait_js(
            "caches.keys().then(k => window.__keys = k), window.__keys && window.__keys.length === 1 && window.__keys[0]",
            "the first release's cache",
        )
        .await;
    type_into(&b, "f-client-full_name", "Αλέξανδρος Παπαδόπουλος").await;

    // Release: the worker script changes (its id and file list would).
    let sw_path = site.path().join("sw.js");
    let sw = std::fs::read_to_string(&sw_path).unwrap();
    let line = sw
        .lines()
        .find(|l| l.starts_with("const RELEASE = "))
        .unwrap();
    let sw = sw.replace(line, r#"const RELEASE = "next-release"; // @release"#);
    std::fs::write(&sw_path, sw).unwrap();

    b.js("window.__before_reload = true; navigator.serviceWorker.getRegistration().then(r => r.update())")
        .await;
    b.wait_js_for(
        "document.getElementById('update-reload') !== null",
        "the reload prompt",
        Duration::from_secs(20),
    )
    .await;
    let banner = b
        .js("return document.getElementById('update-banner').innerText")
        .await;
    assert!(banner.as_str().unwrap().contains("new version"), "{banner}");
    b.screenshot("upgrade-01-prompt").await;
    // The new release has filled its cache; until the client agrees, the
    // old one stays in charge and keeps its own.
    assert_eq!(
        b.js("return caches.keys()").await,
        serde_json::json!([first.clone(), "stipple-next-release"])
    );

    click(&b, "update-reload").await;
    b.wait_js_for(
        "window.__before_reload === undefined && document.documentElement.dataset.hydrated === 'true'",
        "the page to reload",
        Duration::from_secs(20),
    )
    .await;
    b.wait_ready().await;
    b.wait_js(
        "caches.keys().then(k => window.__k2 = k), window.__k2 && window.__k2.length === 1 && window.__k2[0] === 'stipple-next-release'",
        "only the new release's cache",
    )
    .await;
    b.wait_js(
        "navigator.serviceWorker.getRegistration().then(r => window.__waiting = !!r.waiting), window.__waiting === false",
        "no worker left waiting",
    )
    .await;
    // The answer typed before the reload is still there.
    let name = b
        .js("return document.getElementById('f-client-full_name').value")
        .await;
    assert_eq!(name, "Αλέξανδρος Παπαδόπουλος");
    b.close().await;
}
