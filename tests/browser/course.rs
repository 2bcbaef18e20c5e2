//! A practitioner's course in the browser at phone width: a new intake
//! becomes a client record, a course is planned and started once the
//! intake is cleared, a session is recorded (an expired pigment refused
//! beside its field), a camera photo added, the record signed off and an
//! addendum written; then the pigment recall finds the client.

use std::collections::HashMap;

use serde_json::json;
use stipple_tests::{browser, fresh_submission, spawn_app_with, staff::PASSWORD, Backend};

use crate::{
    staff::desktop_screenshot,
    wizard::{click_css, type_css},
};

/// Sets an input's value as a person would (date and time inputs take no
/// keystrokes reliably in a headless browser), firing its input event.
async fn set_value(b: &browser::Browser, id: &str, value: &str) {
    b.js(&format!(
        "const e = document.getElementById({id:?}); e.value = {value:?}; \
         e.dispatchEvent(new Event('input', {{bubbles: true}}));"
    ))
    .await;
}

async fn hydrated(b: &browser::Browser, what: &str, expr: &str) {
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    b.wait_js(expr, what).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_records_a_course_session_with_pigments_and_photos() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string())]),
    )
    .await;
    app.create_staff("pia@clinic.example", "staff").await;
    let reviewer = app.staff("staff").await;
    let (submission, _) = app.submit(&fresh_submission()).await;

    let b = browser::launch().await;
    b.client.goto(&app.url("/staff/login")).await.unwrap();
    hydrated(&b, "the form", "document.getElementById('email') !== null").await;
    type_css(&b, "#email", "pia@clinic.example").await;
    type_css(&b, "#password", PASSWORD).await;
    click_css(&b, "#sign-in").await;
    b.wait_js("location.pathname === '/staff'", "the queue")
        .await;

    // The intake offers no match yet: a new client record is started.
    b.client
        .goto(&app.url(&format!("/staff/submissions/{submission}")))
        .await
        .unwrap();
    hydrated(
        &b,
        "the client card",
        "document.getElementById('new-client') !== null",
    )
    .await;
    click_css(&b, "#new-client").await;
    b.wait_js(
        "location.pathname.startsWith('/staff/clients/')",
        "the client record",
    )
    .await;
    hydrated(
        &b,
        "the course form",
        "document.getElementById('plan-course') !== null",
    )
    .await;
    set_value(&b, "planned-sessions", "3").await;
    click_css(&b, "#course-areas input[type=checkbox]").await;
    set_value(&b, "course-notes", "Crown and hairline, soft finish").await;
    click_css(&b, "#plan-course").await;
    b.wait_js(
        "document.getElementById('course-status') !== null",
        "the course",
    )
    .await;

    // Not started before the intake is cleared.
    click_css(&b, "#course-in_progress").await;
    b.wait_js(
        "document.querySelector('.course [role=alert]').textContent.includes('not cleared')",
        "the clearance rule",
    )
    .await;
    for body in [
        json!({"status": "in_review"}),
        json!({"status": "cleared", "note": "Patch test fine; no numbing cream"}),
    ] {
        let res = reviewer
            .post(
                &format!("/api/v1/staff/submissions/{submission}/status"),
                &body,
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    click_css(&b, "#course-in_progress").await;
    b.wait_js(
        "document.getElementById('course-status').textContent === 'In progress'",
        "the course started",
    )
    .await;
    b.screenshot("course-client-phone").await;
    click_css(&b, "#record-session").await;
    hydrated(
        &b,
        "the session form",
        "document.getElementById('save-session') !== null",
    )
    .await;

    for (id, value) in [
        ("performed-on", "2026-12-01"),
        ("start-time", "09:30"),
        ("end-time", "11:00"),
        ("next-session", "2026-12-15"),
        ("needle", "3RL 0.18 cartridge"),
        ("needle-lot", "N-5521"),
        ("pigment-0-brand", "Scalp Ink"),
        ("pigment-0-shade", "Dark 2"),
        ("pigment-0-lot", "BX 4410"),
        ("pigment-0-expires", "2026-11-30"),
        ("pain", "3"),
        ("technique", "Three-point stippling"),
    ] {
        set_value(&b, id, value).await;
    }
    click_css(&b, "#areas input[type=checkbox]").await;
    click_css(&b, "#save-session").await;
    b.wait_js(
        "document.getElementById('pigments-0--expires_on-error').textContent.includes('expired')",
        "the expired pigment refused beside its field",
    )
    .await;
    b.screenshot("course-session-error-phone").await;
    set_value(&b, "pigment-0-expires", "2027-06-30").await;
    click_css(&b, "#save-session").await;
    b.wait_js(
        "/^\\/staff\\/sessions\\/[0-9a-f-]{36}$/.test(location.pathname)",
        "the recorded session",
    )
    .await;
    hydrated(
        &b,
        "the sign-off form",
        "document.getElementById('sign-off') !== null",
    )
    .await;

    // A photo from the camera input.
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("before.jpg");
    let img = image::RgbImage::from_fn(120, 80, |x, _| image::Rgb([(x * 2) as u8, 90, 160]));
    img.save(&photo).unwrap();
    let input = b
        .client
        .find(fantoccini::Locator::Css("#photo-before"))
        .await
        .unwrap();
    input.send_keys(photo.to_str().unwrap()).await.unwrap();
    b.wait_js(
        "document.querySelectorAll('#photos img').length === 1",
        "the photo listed",
    )
    .await;
    // Thumbnails load lazily: bring it into view, then it must really load.
    b.js("document.querySelector('#photos img').scrollIntoView()")
        .await;
    b.wait_js(
        "document.querySelector('#photos img').complete && document.querySelector('#photos img').naturalWidth === 120",
        "the uploaded photo shown",
    )
    .await;

    type_css(&b, "#sign-password", PASSWORD).await;
    click_css(&b, "#sign-off").await;
    b.wait_js(
        "(document.getElementById('session-state') || {textContent: ''}).textContent.startsWith('Signed off')",
        "the locked record",
    )
    .await;
    b.wait_js(
        "document.getElementById('save-session') === null",
        "no edit form",
    )
    .await;
    // Nothing wider than the phone (a record's hash once pushed it out).
    assert_eq!(b.js("return innerWidth").await, json!(browser::PHONE_WIDTH));
    type_css(
        &b,
        "#addendum-text",
        "Client called on day 3: slight itching, advised moisturiser",
    )
    .await;
    click_css(&b, "#add-addendum").await;
    b.wait_js(
        "document.getElementById('addenda').textContent.includes('slight itching')",
        "the addendum",
    )
    .await;
    b.screenshot("course-session-signed-phone").await;
    desktop_screenshot(&b, "course-session-signed-desktop").await;

    // The client's record shows the session, the photo and the timeline.
    click_css(&b, "a[href^='/staff/clients/']").await;
    hydrated(
        &b,
        "the timeline",
        "document.getElementById('timeline') !== null",
    )
    .await;
    b.wait_js(
        "document.getElementById('timeline').textContent.includes('Session 1 signed off')",
        "the timeline",
    )
    .await;
    b.wait_js(
        "document.querySelectorAll('.photo-pair img').length === 1",
        "before photo",
    )
    .await;
    b.js("document.querySelector('.photo-pair img').scrollIntoView()")
        .await;
    b.wait_js(
        "document.querySelector('.photo-pair img').naturalWidth > 0",
        "the thumbnail loaded",
    )
    .await;
    assert_eq!(b.js("return innerWidth").await, json!(browser::PHONE_WIDTH));
    b.screenshot("course-client-signed-phone").await;
    desktop_screenshot(&b, "course-client-desktop").await;

    // A recall of the lot, typed another way, finds the client.
    b.client.goto(&app.url("/staff/recall")).await.unwrap();
    hydrated(
        &b,
        "the recall form",
        "document.getElementById('find-lot') !== null",
    )
    .await;
    type_css(&b, "#lot", "bx4410").await;
    click_css(&b, "#find-lot").await;
    b.wait_js(
        "(document.getElementById('uses') || {textContent: ''}).textContent.includes('Zoë')",
        "the client found",
    )
    .await;
    b.screenshot("course-recall-phone").await;
    b.close().await;
}
