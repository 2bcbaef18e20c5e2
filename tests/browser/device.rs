//! What the intake keeps on the client's device: a draft is deleted 7 days
//! after its last change, the outbox keeps no answers of an intake the
//! clinic refused, the service worker caches nothing that holds an answer,
//! and a kiosk starts each client with nothing an earlier one left behind.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;
use stipple_tests::{browser, spawn_app, Backend};

use crate::wizard::{click, fill_to_review, type_into};

const NAME: &str = "Ngô Bảo Châu";
const EMAIL: &str = "chau@example.com";

/// Every response in every cache, as text.
const CACHED: &str = "return (async () => {
    let all = '';
    for (const key of await caches.keys()) {
        const cache = await caches.open(key);
        for (const req of await cache.keys()) {
            const res = await cache.match(req);
            all += req.url + '\\n' + (await res.text()) + '\\n';
        }
    }
    return all;
})()";

/// Every record in the outbox.
const OUTBOX: &str = "return new Promise((resolve, reject) => {
    const open = indexedDB.open('stipple-outbox', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'id' });
    open.onsuccess = () => {
        const all = open.result.transaction('outbox').objectStore('outbox').getAll();
        all.onsuccess = () => { resolve(all.result); open.result.close(); };
        all.onerror = () => reject(all.error);
    };
    open.onerror = () => reject(open.error);
})";

/// Everything in local storage under our names.
const STORED: &str = "return Object.keys(localStorage).filter(k => k.startsWith('stipple.'))
    .map(k => k + '=' + localStorage.getItem(k)).join('\\n')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_keeps_answers_only_as_long_as_it_must() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        "navigator.serviceWorker.controller !== null",
        "the service worker to take control",
    )
    .await;

    // The client is told on the first step.
    let first = b
        .js("return document.querySelector('main').innerText")
        .await;
    assert!(
        first
            .as_str()
            .unwrap()
            .contains("deleted from it 7 days after your last change"),
        "{first}"
    );

    // A change stamps the draft; a draft untouched for 8 days is gone.
    type_into(&b, "f-client-full_name", NAME).await;
    b.wait_js(
        "(localStorage.getItem('stipple.intake.draft') || '').includes('Ngô')",
        "the draft",
    )
    .await;
    let at = b
        .js("return Number(localStorage.getItem('stipple.intake.draft.at'))")
        .await;
    let now = b.js("return Date.now()").await;
    assert!(
        (now.as_f64().unwrap() - at.as_f64().unwrap()).abs() < 60_000.0,
        "{at} {now}"
    );
    // Six days: still there.
    b.js("localStorage.setItem('stipple.intake.draft.at', String(Date.now() - 6 * 86400000))")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    let name = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    assert_eq!(name.prop("value").await.unwrap().as_deref(), Some(NAME));
    b.js("localStorage.setItem('stipple.intake.draft.at', String(Date.now() - 8 * 86400000))")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    let name = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    assert_eq!(name.prop("value").await.unwrap().as_deref(), Some(""));
    let stored = b.js(STORED).await;
    assert!(!stored.as_str().unwrap().contains("Ngô"), "{stored}");

    // The clinic refuses what waited in the outbox: the record keeps the
    // reason, not the answers.
    let refused = b
        .js(&format!(
            "return (async () => {{
                const id = crypto.randomUUID();
                await window.stippleOutbox.put(id, JSON.stringify({{ id, client: {{ full_name: '{NAME}' }} }}));
                await window.stippleOutbox.flush();
                return await window.stippleOutbox.get(id);
            }})()"
        ))
        .await;
    assert_eq!(refused["state"], "refused", "{refused}");
    assert_eq!(refused["status"], 422);
    assert!(refused.get("body").is_none(), "{refused}");
    assert!(!refused.to_string().contains("Ngô"), "{refused}");

    // A whole intake, sent: no answer in any cache, the outbox or storage.
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    fill_to_review(&b, |_| async {}).await;
    click(&b, "send").await;
    b.wait_js_for(
        "(document.getElementById('step-title') || {}).textContent === 'Done'",
        "the thank-you page",
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(app.count_submissions().await, 1);
    // Pages from the worker's cache, offline, after the intake.
    b.emulate_offline(true).await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    b.emulate_offline(false).await;
    let cached = b.js(CACHED).await;
    let cached = cached.as_str().unwrap();
    assert!(cached.contains("/intake"), "the intake page is cached");
    for answer in [NAME, EMAIL, "+84 90 123 4567", "1984-02-03"] {
        assert!(!cached.contains(answer), "{answer} is in the cache");
    }
    let outbox = b.js(OUTBOX).await.to_string();
    let stored = b.js(STORED).await.to_string();
    for answer in [NAME, EMAIL, "+84 90 123 4567", "1984-02-03"] {
        assert!(!outbox.contains(answer), "{answer} in the outbox: {outbox}");
        assert!(!stored.contains(answer), "{answer} in storage: {stored}");
    }

    // A kiosk: whatever an earlier visit left is cleared on opening, and
    // the next client starts on a freshly loaded page.
    b.js("localStorage.setItem('stipple.intake.draft', '{\"full_name\":\"Earlier Client\"}')")
        .await;
    b.js("return (async () => { await window.stippleOutbox.put('settled', '{}'); const db = await new Promise(r => { const o = indexedDB.open('stipple-outbox', 1); o.onsuccess = () => r(o.result); }); await new Promise(r => { const t = db.transaction('outbox', 'readwrite'); t.objectStore('outbox').put({ id: 'settled', state: 'sent', receipt: '{}', sentAt: Date.now() }); t.oncomplete = r; }); db.close(); })()")
        .await;
    b.client
        .goto(&app.url("/intake?kiosk=1&idle=10"))
        .await
        .unwrap();
    b.wait_ready().await;
    b.wait_js(
        "Object.keys(localStorage).filter(k => k.startsWith('stipple.')).length === 0",
        "storage to be cleared",
    )
    .await;
    let outbox: Value = b.js(OUTBOX).await;
    assert_eq!(outbox, serde_json::json!([]), "{outbox}");
    type_into(&b, "f-client-full_name", "Walk-in Client").await;
    let before = b.js("return performance.timeOrigin").await;
    // Ten seconds idle: the page is loaded afresh, empty.
    b.wait_js_for(
        &format!(
            "performance.timeOrigin !== {before} && document.documentElement.dataset.hydrated === 'true' \
             && document.getElementById('f-client-full_name').value === ''"
        ),
        "the kiosk to start afresh",
        Duration::from_secs(25),
    )
    .await;
    let stored = b.js(STORED).await;
    assert_eq!(stored, "", "{stored}");
    b.close().await;
}
