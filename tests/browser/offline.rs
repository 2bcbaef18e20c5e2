//! Offline: an intake sent with no network waits on the phone and reaches
//! the clinic once, when the connection returns.

use std::time::Duration;

use fantoccini::Locator;
use stipple_tests::{browser, proxy::Link, spawn_app, Backend};

use crate::wizard::{click, fill_to_review};

const STATE: &str = "(document.getElementById('send-state') || {}).dataset";

/// A first visit online, through a link that can be cut: the service worker
/// installs, takes control and caches the release.
async fn first_visit() -> (stipple_tests::TestApp, Link, browser::Browser) {
    let app = spawn_app(Backend::Sqlite).await;
    let link = Link::start(([127, 0, 0, 1], app.port).into()).await;
    let b = browser::launch().await;
    b.client.goto(&link.url("/intake")).await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        "navigator.serviceWorker.controller !== null",
        "the service worker to take control",
    )
    .await;
    b.wait_js(
        "caches.keys().then(k => window.__keys = k), (window.__keys || []).length === 1",
        "the release's cache",
    )
    .await;
    (app, link, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intake_sent_offline_arrives_once_when_back_online() {
    // The page, its bundle and the consent text come from the cache from now on.
    let (app, link, b) = first_visit().await;

    // The signal goes: the link is cut for the page and the worker alike.
    link.go_offline();
    b.emulate_offline(true).await;
    assert_eq!(b.js("return navigator.onLine").await, false);
    fill_to_review(&b, |_| async {}).await;
    click(&b, "send").await;
    b.wait_js(
        &format!("{STATE} && {STATE}.state === 'queued'"),
        "the 'saved on this phone' state",
    )
    .await;
    let text = b
        .js("return document.getElementById('send-state').innerText")
        .await;
    assert!(
        text.as_str()
            .unwrap()
            .contains("Saved on this phone — it will be sent when you're back online"),
        "{text}"
    );
    b.screenshot("offline-01-saved").await;
    let queued = b
        .wait_js(
            "window.stippleOutbox.get(JSON.parse(localStorage.getItem('stipple.intake.draft')).id).then(r => window.__rec = r), window.__rec",
            "the outbox record",
        )
        .await;
    assert_eq!(queued["state"], "queued");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.count_submissions().await,
        0,
        "nothing can arrive offline"
    );

    // Close the page and open it again, still offline: the worker serves it.
    let fresh = b.client.new_window(true).await.unwrap();
    b.client.close_window().await.unwrap();
    b.client.switch_to_window(fresh.handle).await.unwrap();
    b.emulate_offline(true).await;
    b.client.goto(&link.url("/intake")).await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        &format!("{STATE} && {STATE}.state === 'queued'"),
        "the queued state after reopening",
    )
    .await;
    assert_eq!(app.count_submissions().await, 0);

    // Back online: the page hears `online` and sends it.
    link.go_online();
    b.emulate_offline(false).await;
    b.wait_js_for(
        &format!("{STATE} && {STATE}.state === 'sent'"),
        "the 'sent' state",
        Duration::from_secs(20),
    )
    .await;
    let text = b
        .js("return document.getElementById('send-state').innerText")
        .await;
    assert!(text.as_str().unwrap().starts_with("Sent"), "{text}");
    b.screenshot("offline-02-sent").await;
    // The receipt links to the client's own consent.
    assert!(b.client.find(Locator::Id("consent-pdf")).await.is_ok());

    // However many ways it was tried (page, worker, reload), one arrived.
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.count_submissions().await, 1);
    // Nothing of the answers stays on the phone once sent.
    let left = b
        .wait_js(
            "window.stippleOutbox && (indexedDB.open('stipple-outbox').onsuccess = e => { const s = e.target.result.transaction('outbox').objectStore('outbox').count(); s.onsuccess = () => window.__left = String(s.result); }, window.__left)",
            "the outbox count",
        )
        .await;
    assert_eq!(left, "0");
    assert_eq!(
        b.js("return localStorage.getItem('stipple.intake.draft')")
            .await,
        serde_json::Value::Null
    );
    b.close().await;
}

/// The clinic refuses what waited in the outbox (here: it already holds a
/// different intake under the same id): the reason is shown on the Review
/// page, and the answers are still there to correct.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_outbox_send_shows_the_reason_and_keeps_the_answers() {
    let (app, link, b) = first_visit().await;

    link.go_offline();
    b.emulate_offline(true).await;
    fill_to_review(&b, |_| async {}).await;
    click(&b, "send").await;
    b.wait_js(
        &format!("{STATE} && {STATE}.state === 'queued'"),
        "the queued state",
    )
    .await;
    let id = b
        .js("return JSON.parse(localStorage.getItem('stipple.intake.draft')).id")
        .await;
    // Meanwhile the clinic received other answers under this id.
    let mut other = stipple_tests::fixture();
    other["id"] = id.clone();
    assert_eq!(app.post_submission(&other).await.status(), 201);

    link.go_online();
    b.emulate_offline(false).await;
    b.wait_js_for(
        "(document.getElementById('send-error') || {}).textContent",
        "the refusal",
        Duration::from_secs(20),
    )
    .await;
    let error = b
        .js("return document.getElementById('send-error').textContent")
        .await;
    assert!(
        error.as_str().unwrap().contains("earlier version"),
        "{error}"
    );
    assert_eq!(
        b.js("return document.getElementById('step-title').textContent")
            .await,
        "Review"
    );
    b.wait_js(
        "document.activeElement.id === 'send-error'",
        "focus on the reason",
    )
    .await;
    b.screenshot("offline-03-refused").await;
    // The answers are kept, no longer marked as waiting; the outbox is empty.
    let draft = b
        .js("return JSON.parse(localStorage.getItem('stipple.intake.draft'))")
        .await;
    assert_eq!(draft["full_name"], "Ngô Bảo Châu");
    assert_eq!(draft["queued"], false);
    assert_eq!(draft["id"], id);
    assert_eq!(app.count_submissions().await, 1);
    b.close().await;
}
