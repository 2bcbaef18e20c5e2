//! Filling the intake as a client does, for tests that need a whole intake.

use std::time::Duration;

use fantoccini::{
    actions::{InputSource, PointerAction, TouchActions, MOUSE_BUTTON_LEFT},
    Locator,
};
use serde_json::json;
use stipple_tests::{browser::Browser, fixture};

/// Types into the field `css` finds, replacing what it held.
pub async fn type_css(b: &Browser, css: &str, text: &str) {
    let el = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

pub async fn type_into(b: &Browser, id: &str, text: &str) {
    type_css(b, &format!("#{id}"), text).await;
}

/// Clicks what `css` finds, scrolled into view first: a phone screen shows
/// only part of a page.
pub async fn click_css(b: &Browser, css: &str) {
    let el = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"));
    b.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&el).unwrap()],
        )
        .await
        .unwrap();
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

pub async fn click(b: &Browser, id: &str) {
    click_css(b, &format!("#{id}")).await;
}

/// The medical screening's yes/no questions (the contraindications).
pub const SCREENING: &[&str] = &[
    "keloid_tendency",
    "blood_thinners",
    "diabetes",
    "immune_suppressed",
    "heart_condition",
    "epilepsy",
    "bloodborne_infection",
    "pregnant_or_breastfeeding",
    "isotretinoin_last_12_months",
    "chemo_or_radiotherapy",
    "recent_sunburn",
];

pub async fn next(b: &Browser, expect_title: &str) {
    click(b, "next").await;
    let outcome = b
        .wait_js(
            &format!(
                "document.getElementById('step-title').textContent === {} || (document.getElementById('error-summary') || {{}}).innerText",
                json!(expect_title)
            ),
            expect_title,
        )
        .await;
    assert_eq!(outcome, true, "on the way to {expect_title}");
}

/// Answers every step (no scars, no transplants) up to the Review page,
/// calling `at_step` with each step's title once it shows.
pub async fn fill_to_review<F, Fut>(b: &Browser, mut at_step: F)
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    at_step("About you".into()).await;
    type_into(b, "f-client-full_name", "Ngô Bảo Châu").await;
    b.js("const e = document.getElementById('f-client-date_of_birth'); e.value = '1984-02-03'; e.dispatchEvent(new Event('input', {bubbles: true}));")
        .await;
    type_into(b, "f-client-email", "chau@example.com").await;
    type_into(b, "f-client-phone", "+84 90 123 4567").await;
    click(b, "f-client-preferred_contact-0").await;
    next(b, "Hair loss").await;
    at_step("Hair loss".into()).await;

    click(b, "f-hair_loss-causes-0").await;
    type_into(b, "f-hair_loss-years", "4").await;
    click(b, "f-hair_loss-progressing-0").await;
    click(b, "f-hair_loss-areas-0").await;
    click(b, "f-hair_loss-pattern-0").await;
    click(b, "f-hair_loss-norwood_stage-2").await;
    next(b, "Scars").await;
    at_step("Scars".into()).await;

    click(b, "f-has_scars-1").await;
    next(b, "Previous transplants").await;
    at_step("Previous transplants".into()).await;
    click(b, "f-has_transplants-1").await;
    next(b, "Medical screening").await;
    at_step("Medical screening".into()).await;

    for q in SCREENING.iter().chain(&["minoxidil"]) {
        click(b, &format!("f-medical-{q}-1")).await;
    }
    next(b, "Comfort and pain").await;
    at_step("Comfort and pain".into()).await;

    click(b, "f-comfort-pain_tolerance-2").await;
    for q in ["needle_anxiety", "previous_tattoos", "numbing_cream"] {
        click(b, &format!("f-comfort-{q}-1")).await;
    }
    next(b, "Lifestyle").await;
    at_step("Lifestyle".into()).await;

    for q in ["sun_exposure", "swimming", "sauna", "heavy_exercise"] {
        click(b, &format!("f-lifestyle-{q}-1")).await;
    }
    click(b, "f-lifestyle-scalp_type-1").await;
    click(b, "f-lifestyle-hair_style-0").await;
    next(b, "Goals").await;
    at_step("Goals".into()).await;

    click(b, "f-goals-hairline_style-1").await;
    click(b, "f-goals-density-1").await;
    next(b, "Consent").await;
    b.wait_js(
        "document.getElementById('f-consent-accepted-procedure') !== null",
        "the consent text",
    )
    .await;
    at_step("Consent".into()).await;
    for id in fixture()["consent"]["accepted"].as_array().unwrap() {
        click(b, &format!("f-consent-accepted-{}", id.as_str().unwrap())).await;
    }
    click(b, "f-consent-disclosure").await;
    next(b, "Signature").await;
    at_step("Signature".into()).await;

    let pad = b
        .client
        .find(Locator::Id("f-signature-strokes"))
        .await
        .unwrap();
    b.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&pad).unwrap()],
        )
        .await
        .unwrap();
    let mut stroke = TouchActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element: pad.clone(),
            duration: None,
            x: -120.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for i in 1..=10 {
        stroke = stroke.then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(20)),
            x: 20.0,
            y: if i % 2 == 0 { 15.0 } else { -15.0 },
        });
    }
    stroke = stroke.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    b.client.perform_actions(stroke).await.unwrap();
    b.client.release_actions().await.unwrap();
    type_into(b, "f-signature-typed_name", "Ngô Bảo Châu").await;
    next(b, "Review").await;
}
