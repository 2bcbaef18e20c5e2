//! The phone meets the clinic's limits: an intake sent while the limit is
//! reached waits in the outbox and arrives once when the wait is over; an
//! intake filled under a consent text the clinic has since replaced comes
//! back to the consent step with the new text, every other answer kept.

use std::time::Duration;

use stipple_tests::{browser, env, fresh_submission, proxy::Link, spawn_app_with, Backend};

use crate::wizard::{click, fill_to_review, next};

const STATE: &str = "(document.getElementById('send-state') || {}).dataset";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intake_refused_for_a_limit_is_delivered_once_when_it_passes() {
    const WINDOW: u64 = 20;
    let app = spawn_app_with(
        Backend::Sqlite,
        env(&[("STIPPLE_LIMIT_SUBMIT", &format!("1/{WINDOW}s"))]),
    )
    .await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    fill_to_review(&b, |_| async {}).await;

    // Early in a window, someone else on this address uses its one intake.
    let now = chrono::Utc::now().timestamp() as u64;
    if now % WINDOW > WINDOW / 3 {
        tokio::time::sleep(Duration::from_secs(WINDOW - now % WINDOW)).await;
    }
    assert_eq!(app.post_submission(&fresh_submission()).await.status(), 201);
    click(&b, "send").await;
    b.wait_js(
        &format!("{STATE} && {STATE}.state === 'queued'"),
        "the 'saved on this phone' state",
    )
    .await;
    assert_eq!(app.count_submissions().await, 1);

    // When the window is over the outbox sends it, by itself, once.
    b.wait_js_for(
        &format!("{STATE} && {STATE}.state === 'sent'"),
        "the intake to be sent after the wait",
        Duration::from_secs(WINDOW + 15),
    )
    .await;
    assert_eq!(app.count_submissions().await, 2);
    // The one stored is the phone's own (its receipt opens it), stored once:
    // two in all, the other being the one sent before.
    let receipt = b
        .js("return JSON.parse(localStorage.getItem('stipple.intake.receipt'))")
        .await;
    let own = app
        .own_submission(
            receipt["id"].as_str().unwrap(),
            receipt["receipt_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(own["id"], receipt["id"]);
    b.close().await;
}

const NEW_TEXT: &str = r#"
version = "clinic-v2"
clinic_name = "Northside SMP"
aftercare = ["Keep it dry for 4 days."]

[[clauses]]
id = "procedure"
title = "The procedure, as we now word it"
required = true
text = "SMP places tiny dots of pigment in the scalp. It does not regrow hair."
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consent_text_changed_while_the_draft_was_open_is_read_again() {
    let app = spawn_app_with(Backend::Sqlite, env(&[("STIPPLE_CONSENT_GRACE_DAYS", "0")])).await;
    let link = Link::start(([127, 0, 0, 1], app.port).into()).await;
    let b = browser::launch().await;
    b.client.goto(&link.url("/intake")).await.unwrap();
    b.wait_ready().await;
    fill_to_review(&b, |_| async {}).await;

    // The clinic installs a new consent text; the same address now answers
    // from the new server.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("consent.toml");
    std::fs::write(&file, NEW_TEXT).unwrap();
    let changed = app
        .another_server(env(&[
            ("STIPPLE_CONSENT_TEMPLATE", file.to_str().unwrap()),
            ("STIPPLE_CONSENT_GRACE_DAYS", "0"),
        ]))
        .await;
    link.retarget(([127, 0, 0, 1], changed).into());

    click(&b, "send").await;
    let message = b
        .wait_js(
            "document.getElementById('step-title').textContent === 'Consent' && \
             document.getElementById('f-consent-template_version-error')?.innerText",
            "the consent step with the reason",
        )
        .await;
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("updated its consent text"),
        "{message}"
    );
    b.wait_js(
        "document.body.innerText.includes('The procedure, as we now word it')",
        "the new text",
    )
    .await;
    b.screenshot("limits-01-consent-changed").await;
    // Nothing ticked under the old text counts; the other answers stayed.
    let draft = b
        .js("return JSON.parse(localStorage.getItem('stipple.intake.draft'))")
        .await;
    assert_eq!(draft["accepted"], serde_json::json!([]), "{draft}");
    assert!(
        !draft["full_name"].as_str().unwrap_or_default().is_empty(),
        "{draft}"
    );

    click(&b, "f-consent-accepted-procedure").await;
    next(&b, "Signature").await;
    next(&b, "Review").await;
    click(&b, "send").await;
    b.wait_js(
        &format!("{STATE} && {STATE}.state === 'sent'"),
        "the intake to be sent",
    )
    .await;
    assert_eq!(
        app.count_rows("submission WHERE template_version = 'clinic-v2'")
            .await,
        1
    );
    b.close().await;
}
