use std::time::Duration;

use fantoccini::Locator;
use stipple_tests::{browser, spawn_app, Backend};

/// On a clinic tablet nothing is kept on the device, and an idle intake is wiped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_keeps_nothing_and_clears_after_inactivity() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = browser::launch().await;
    b.client
        .goto(&app.url("/intake?kiosk=1&idle=10"))
        .await
        .unwrap();
    b.wait_ready().await;

    let name = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    name.send_keys("Walk-in Client").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.js("return localStorage.getItem('stipple.intake.draft')")
            .await,
        serde_json::Value::Null
    );
    assert_eq!(
        name.prop("value").await.unwrap().as_deref(),
        Some("Walk-in Client")
    );

    // Ten seconds without a change: the answers are gone.
    b.wait_js_for(
        "document.getElementById('f-client-full_name').value === ''",
        "the kiosk to clear the form",
        Duration::from_secs(20),
    )
    .await;
    b.close().await;
}
