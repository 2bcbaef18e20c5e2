//! A slow network: the server-rendered intake is readable and can be typed
//! into before the WASM arrives, and nothing typed is lost when it does.

use std::time::Duration;

use fantoccini::Locator;
use stipple_tests::{browser, proxy::Link, spawn_app, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_typed_before_the_wasm_arrives_are_kept() {
    let app = spawn_app(Backend::Sqlite).await;
    let link = Link::start(([127, 0, 0, 1], app.port).into()).await;
    let b = browser::launch().await;
    // About 60 KB/s: the page in a moment, the bundle over several seconds.
    link.throttle(60_000);
    b.client.goto(&link.url("/intake")).await.unwrap();

    // Readable and usable straight from the server's HTML.
    let title = b
        .js("return document.getElementById('step-title').textContent")
        .await;
    assert_eq!(title, "About you");
    let name = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    name.send_keys("Þórunn Guðmundsdóttir").await.unwrap();
    b.js("document.getElementById('f-client-preferred_contact-0').click()")
        .await;
    // The cursor is left inside the name, as if about to correct a letter.
    b.js("document.getElementById('f-client-full_name').setSelectionRange(3, 3)")
        .await;
    assert_eq!(
        b.js("return document.documentElement.dataset.hydrated === undefined")
            .await,
        true,
        "typed before the WASM arrived"
    );

    b.wait_js_for(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration over the slow link",
        Duration::from_secs(90),
    )
    .await;
    link.throttle(0);
    assert_eq!(
        b.js("return document.getElementById('f-client-full_name').value")
            .await,
        "Þórunn Guðmundsdóttir"
    );
    assert_eq!(
        b.js("return document.getElementById('f-client-preferred_contact-0').checked")
            .await,
        true
    );
    // The step was drawn afresh: focus and cursor are where they were.
    assert_eq!(
        b.js("const e = document.activeElement; return [e.id, e.selectionStart, e.selectionEnd]")
            .await,
        serde_json::json!(["f-client-full_name", 3, 3])
    );
    // The app has them too: they are in the saved draft.
    let draft = b
        .wait_js(
            "JSON.parse(localStorage.getItem('stipple.intake.draft') || '{}').full_name",
            "the draft to hold the name",
        )
        .await;
    assert_eq!(draft, "Þórunn Guðmundsdóttir");
    b.close().await;
}
