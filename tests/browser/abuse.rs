//! Hostile text in every free-text answer: stored verbatim, shown as text
//! in the staff pages (no script runs), printed literally in the PDF.

use std::{collections::HashMap, process::Command};

use fantoccini::Locator;
use serde_json::{json, Value};
use stipple_tests::{browser, fresh_submission, spawn_app_with, staff::PASSWORD, Backend};

const XSS: &str = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
const SQL: &str = "Robert'); DROP TABLE submission;-- \" OR 1=1 \\";

/// The fixture with a payload in every free-text field (each field's own
/// length rule still met).
fn hostile() -> Value {
    let mut s = fresh_submission();
    let name = "<b onmouseover=\"window.__xss=3\">Zoë</b>";
    s["client"]["full_name"] = json!(name);
    s["signature"]["typed_name"] = json!(name);
    s["hair_loss"]["causes"] = json!(["other"]);
    s["hair_loss"]["cause_other"] = json!(XSS);
    s["scars"][0]["location"] = json!(XSS);
    s["medical"]["allergy_details"] = json!(format!("{XSS} {SQL}"));
    s["medical"]["skin_conditions"] = json!(["other"]);
    s["medical"]["skin_condition_other"] = json!(XSS);
    s["medical"]["medications"] = json!(SQL);
    s["goals"]["natural_hair_colour"] = json!("<i>dark</i>");
    s["goals"]["notes"] = json!(format!("{XSS}\n{SQL}"));
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_are_text_everywhere() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string())]),
    )
    .await;
    let body = hostile();
    let (id, token) = app.submit(&body).await;

    // Stored verbatim: SQL metacharacters are data, not statements.
    let own = app.own_submission(&id, &token).await;
    assert_eq!(own["submission"]["medical"]["medications"], SQL);
    assert_eq!(own["submission"]["goals"]["notes"], body["goals"]["notes"]);
    assert_eq!(app.count_submissions().await, 1);

    // Printed literally in the PDF.
    let pdf = app.consent_pdf(&id, &token).await.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect();
    for literal in [XSS, SQL, "<b onmouseover=\"window.__xss=3\">Zoë</b>"] {
        let squeezed: String = literal.split_whitespace().collect();
        assert!(text.contains(&squeezed), "{literal} not printed as is");
    }

    // Shown as text to staff: no element is made from it, no script runs.
    app.create_staff("dana@clinic.example", "staff").await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/staff/login")).await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    b.client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("dana@clinic.example")
        .await
        .unwrap();
    b.client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    b.client
        .find(Locator::Id("sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_js(
        "document.querySelectorAll('#queue li').length === 1",
        "the queue",
    )
    .await;
    let row = b
        .js("return document.querySelector('#queue .name').textContent")
        .await;
    assert_eq!(row, "<b onmouseover=\"window.__xss=3\">Zoë</b>");
    b.client
        .goto(&app.url(&format!("/staff/submissions/{id}")))
        .await
        .unwrap();
    b.wait_js(
        "document.getElementById('flags') !== null || document.querySelector('.card') !== null",
        "the submission",
    )
    .await;
    b.wait_js(
        "document.body.textContent.includes('DROP TABLE')",
        "the answers",
    )
    .await;
    let page = b.js("return document.body.textContent").await;
    let page = page.as_str().unwrap();
    assert!(page.contains(XSS), "the payload is shown as text");
    assert!(page.contains(SQL));
    for probe in [
        "return window.__xss === undefined",
        "return document.querySelectorAll('main img[src=x], main script, main b, main i').length === 0",
    ] {
        assert_eq!(b.js(probe).await, json!(true), "{probe}");
    }
    b.screenshot("staff-hostile-answers").await;
    b.close().await;
}
