//! axe-core (from npm) in Chromium on every wizard step, the review and done
//! pages and the staff pages: no violations. Plus keyboard-only use.

use std::collections::HashMap;

use fantoccini::{key::Key, Locator};
use serde_json::Value;
use stipple_tests::{
    browser::{self, Browser},
    fresh_submission, spawn_app_with,
    staff::PASSWORD,
    Backend,
};

use crate::wizard::{click, fill_to_review, type_into};

/// axe-core as installed by scripts/setup.sh (AXE_CORE overrides).
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE").unwrap_or_else(|_| {
        let cache = std::env::var("XDG_CACHE_HOME")
            .unwrap_or_else(|_| format!("{}/.cache", std::env::var("HOME").unwrap()));
        format!("{cache}/stipple/tools/axe-core-4.11.0/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (scripts/setup.sh installs axe-core)"))
}

/// Runs axe on the page as it is now (WCAG 2.1 A/AA and best practices) and
/// fails with every violation found.
async fn axe(b: &Browser, page: &str) {
    if b.js("return typeof window.axe").await != "object" {
        b.js(&axe_source()).await;
    }
    let violations: Value = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then(r => done(r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)}))))
               .catch(e => done(String(e)));",
            vec![],
        )
        .await
        .expect("axe runs");
    assert_eq!(violations, Value::Array(vec![]), "axe on {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_the_intake_works_by_keyboard() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string())]),
    )
    .await;
    let b = browser::launch().await;

    b.client.goto(&app.url("/")).await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    axe(&b, "landing").await;

    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    // Errors on screen are part of the page too.
    click(&b, "next").await;
    b.wait_js(
        "document.getElementById('error-summary') !== null",
        "errors",
    )
    .await;
    axe(&b, "About you, with errors").await;
    // Each step's labels are collected too: the wizard asks every question
    // in the words of the one list (`domain::questions`).
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    fill_to_review(&b, |title| {
        let (b, asked) = (&b, asked.clone());
        async move {
            axe(b, &title).await;
            let pairs = b
                .js("return [...document.querySelectorAll('label[for]:not(.choice)')].map(l => [l.htmlFor, l.textContent.replace(' (optional)', '')])
                    .concat([...document.querySelectorAll('fieldset.field > legend')].map(l => [l.parentElement.id, l.textContent]))")
                .await;
            for pair in pairs.as_array().unwrap() {
                asked.lock().unwrap().push((
                    pair[0].as_str().unwrap().to_string(),
                    pair[1].as_str().unwrap().to_string(),
                ));
            }
        }
    })
    .await;
    let asked = asked.lock().unwrap().clone();
    let mut matched = 0;
    for q in stipple_app::domain::questions::ALL {
        let id = format!("f-{}", q.path.replace('.', "-"));
        if let Some((_, text)) = asked.iter().find(|(i, _)| *i == id) {
            assert_eq!(text, q.label, "the wizard's wording of {}", q.path);
            matched += 1;
        }
    }
    assert!(matched >= 30, "{matched} questions seen: {asked:?}");
    // The Review page shows each answer beside the same words.
    let shown = b
        .js("return [...document.querySelectorAll('.review dt')].map(d => d.textContent)")
        .await;
    let wording: Vec<&str> = stipple_app::domain::questions::ALL
        .iter()
        .map(|q| q.label)
        .collect();
    let facts = [
        "Clauses agreed",
        "Marketing photos",
        "Electronic signature",
        "Drawn signature",
    ];
    let shown = shown.as_array().unwrap();
    assert!(shown.len() > 30, "{shown:?}");
    for dt in shown {
        let dt = dt.as_str().unwrap();
        assert!(
            wording.contains(&dt) || facts.contains(&dt),
            "{dt} on the Review page is not a question's wording"
        );
    }
    axe(&b, "Review").await;
    click(&b, "send").await;
    b.wait_js(
        "(document.getElementById('send-state') || {dataset: {}}).dataset.state === 'sent'",
        "the done page",
    )
    .await;
    axe(&b, "Done").await;

    // Keyboard only: from a fresh intake, Tab reaches the first field with a
    // visible focus ring, typing fills it, Enter on Next moves on.
    b.js("localStorage.clear()").await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    let body = b.client.find(Locator::Css("body")).await.unwrap();
    let mut reached = false;
    for _ in 0..6 {
        body.send_keys(&String::from(char::from(Key::Tab)))
            .await
            .unwrap();
        if b.js("return document.activeElement.id").await == "f-client-full_name" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the first field");
    let ring = b
        .js("const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2")
        .await;
    assert_eq!(ring, true, "focus is visible");
    let field = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    field.send_keys("Keyboard Only").await.unwrap();
    b.js("document.getElementById('next').focus()").await;
    let next = b.client.find(Locator::Id("next")).await.unwrap();
    next.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    b.wait_js(
        "document.getElementById('error-summary') !== null",
        "Next by keyboard",
    )
    .await;

    // The system font size applies (sizes are in rem) and the layout holds
    // at 150 % on a 390 px screen; motion is off when the system asks.
    b.cdp(
        "Page.setFontSizes",
        serde_json::json!({"fontSizes": {"standard": 24}}),
    )
    .await;
    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}),
    )
    .await;
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    let sizes = b
        .js("const px = id => parseFloat(getComputedStyle(document.getElementById(id)).fontSize);
             return [px('f-client-full_name'), px('step-title'), document.documentElement.scrollWidth,
                     getComputedStyle(document.documentElement).scrollBehavior,
                     matchMedia('(prefers-reduced-motion: reduce)').matches]")
        .await;
    assert_eq!(
        sizes[0], 24.0,
        "inputs follow the system font size: {sizes}"
    );
    assert!(sizes[1].as_f64().unwrap() > 24.0 * 1.5, "{sizes}");
    assert!(
        sizes[2].as_f64().unwrap() <= 390.0,
        "no sideways scrolling: {sizes}"
    );
    assert_eq!(sizes[3], "auto");
    assert_eq!(sizes[4], true);
    b.screenshot("a11y-large-text").await;
    axe(&b, "About you, large text").await;
    b.cdp(
        "Page.setFontSizes",
        serde_json::json!({"fontSizes": {"standard": 16}}),
    )
    .await;

    // Staff pages, signed in.
    app.create_staff("axe@clinic.example", "admin").await;
    let (id, _) = app.submit(&fresh_submission()).await;
    // A client with a course in progress and a recorded session.
    let api = app.staff("admin").await;
    let client: serde_json::Value = api
        .post(
            &format!("/api/v1/staff/submissions/{id}/client"),
            &serde_json::json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let client = client["id"].as_str().unwrap().to_string();
    let course: serde_json::Value = api
        .post(
            &format!("/api/v1/staff/clients/{client}/courses"),
            &serde_json::json!({"planned_sessions": 3, "areas": ["crown"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let course = course["id"].as_str().unwrap().to_string();
    for body in [
        serde_json::json!({"status": "in_review"}),
        serde_json::json!({"status": "cleared", "note": "Checked"}),
    ] {
        api.post(&format!("/api/v1/staff/submissions/{id}/status"), &body)
            .await;
    }
    api.post(
        &format!("/api/v1/staff/courses/{course}/status"),
        &serde_json::json!({"status": "in_progress"}),
    )
    .await;
    let session: serde_json::Value = api
        .post(
            &format!("/api/v1/staff/courses/{course}/sessions"),
            &serde_json::json!({
                "performed_on": "2026-12-01", "start_time": "09:30", "areas": ["crown"],
                "needle": "3RL", "needle_lot": "N1",
                "pigments": [{"brand": "Ink", "shade": "Dark", "lot": "L1", "expires_on": "2027-01-31"}]
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    let session = session["id"].as_str().unwrap().to_string();
    b.client.goto(&app.url("/staff/login")).await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    axe(&b, "staff sign-in").await;
    type_into(&b, "email", "axe@clinic.example").await;
    type_into(&b, "password", PASSWORD).await;
    click(&b, "sign-in").await;
    b.wait_js(
        "location.pathname === '/staff' && document.querySelectorAll('#queue li').length >= 1",
        "the queue",
    )
    .await;
    axe(&b, "queue").await;
    for (path, ready) in [
        (
            format!("/staff/submissions/{id}"),
            "document.querySelector('.flags, .flag, #notes, h1') !== null && document.body.innerText.includes('Medical')",
        ),
        ("/staff/invites".to_string(), "document.querySelector('form') !== null"),
        ("/staff/audit".to_string(), "document.querySelectorAll('table tr, li').length > 1"),
        ("/staff/team".to_string(), "document.querySelectorAll('#team li').length >= 1"),
        ("/staff/retention".to_string(), "document.getElementById('retention-policy') !== null && document.getElementById('retention-submissions') !== null"),
        ("/staff/integrations".to_string(), "document.getElementById('create-hook') !== null"),
        (format!("/staff/clients/{client}"), "document.getElementById('timeline') !== null"),
        (format!("/staff/sessions/{session}"), "document.getElementById('sign-off') !== null"),
        (format!("/staff/sessions/new?course={course}"), "document.getElementById('save-session') !== null"),
        ("/staff/recall".to_string(), "document.getElementById('find-lot') !== null"),
        ("/staff/account".to_string(), "document.getElementById('start-two-factor') !== null"),
    ] {
        b.client.goto(&app.url(&path)).await.unwrap();
        b.wait_js("document.documentElement.dataset.hydrated === 'true'", "hydration")
            .await;
        b.wait_js(ready, &path).await;
        axe(&b, &path).await;
        b.screenshot(&format!("a11y{}", path.replace('/', "-"))).await;
    }
    // Setting up two-factor, with its QR code.
    click(&b, "start-two-factor").await;
    b.wait_js("document.querySelector('.qr svg') !== null", "the QR code")
        .await;
    axe(&b, "two-factor set-up").await;
    // A one-time link that is not (or no longer) good.
    b.client
        .goto(&app.url("/staff/join#not-a-real-token"))
        .await
        .unwrap();
    b.wait_js(
        "document.getElementById('join-error') !== null",
        "the refusal",
    )
    .await;
    axe(&b, "join with a spent link").await;
    b.close().await;
}
