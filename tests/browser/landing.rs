use fantoccini::Locator;
use stipple_tests::{browser, spawn_app, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn landing_page_hydrates_and_registers_the_service_worker() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/")).await.unwrap();

    let width = b.js("return window.innerWidth").await;
    assert_eq!(width, 390);
    let heading = b
        .client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.contains("scalp micropigmentation"), "{heading}");

    // Hydration: the WASM takes over and the button starts working.
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    let list_hidden = "document.getElementById('steps-list').hidden";
    assert_eq!(b.js(&format!("return {list_hidden}")).await, true);
    let toggle = b.client.find(Locator::Id("toggle-steps")).await.unwrap();
    toggle.click().await.unwrap();
    b.wait_js(&format!("!{list_hidden}"), "the steps list to open")
        .await;
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(toggle.text().await.unwrap(), "Hide the steps");

    // The manifest loads and parses; the service worker registers and activates.
    let manifest = b
        .wait_js(
            "window.__m || (fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(j => window.__m = j), false)",
            "the manifest",
        )
        .await;
    assert_eq!(manifest["short_name"], "Stipple");
    b.wait_js(
        "navigator.serviceWorker.controller !== null || (navigator.serviceWorker.getRegistration().then(r => window.__sw = r && r.active && r.active.state), window.__sw === 'activated')",
        "the service worker to activate",
    )
    .await;
    // Chromium's own verdict: installable (manifest, icons, worker, localhost).
    b.wait_js("navigator.serviceWorker.controller !== null", "control")
        .await;
    let verdict = b
        .cdp("Page.getInstallabilityErrors", serde_json::json!({}))
        .await;
    assert_eq!(
        verdict["installabilityErrors"],
        serde_json::json!([]),
        "{verdict}"
    );

    // Nothing failed to load, and the inline lines Leptos writes ran: they
    // carry the response's CSP nonce (a wrong nonce would block them).
    let failed = b
        .js("return performance.getEntriesByType('resource').filter(e => e.responseStatus >= 400).map(e => e.name)")
        .await;
    assert_eq!(failed, serde_json::json!([]));
    assert_eq!(
        b.js("return Array.isArray(window.__RESOLVED_RESOURCES)")
            .await,
        true
    );
    b.screenshot("landing").await;
    b.close().await;
}
