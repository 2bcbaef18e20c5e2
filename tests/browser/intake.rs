use std::time::Duration;

use fantoccini::{
    actions::{InputSource, PointerAction, TouchActions, MOUSE_BUTTON_LEFT},
    Locator,
};
use serde_json::Value;
use stipple_tests::{
    browser::{self, Browser},
    fixture, spawn_app, Backend,
};

use crate::wizard::{click, next, type_into, SCREENING};

/// Date inputs take locale-specific keystrokes; set the value as a picker would.
async fn set_date(b: &Browser, id: &str, value: &str) {
    b.js(&format!(
        "const e = document.getElementById('{id}'); e.value = '{value}'; e.dispatchEvent(new Event('input', {{bubbles: true}}));"
    ))
    .await;
}

async fn title(b: &Browser) -> String {
    b.client
        .find(Locator::Id("step-title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_fills_the_whole_wizard_on_a_phone_and_signs() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = browser::launch().await;
    b.client.goto(&app.url("/intake")).await.unwrap();
    b.wait_ready().await;
    assert_eq!(title(&b).await, "About you");
    assert_eq!(
        b.js("return document.documentElement.scrollWidth <= 390")
            .await,
        true
    );
    b.screenshot("intake-01-about").await;

    // Next on an empty step: errors next to fields, a summary, focus moved.
    click(&b, "next").await;
    b.wait_js(
        "document.getElementById('error-summary') !== null",
        "the error summary",
    )
    .await;
    b.wait_js(
        "document.activeElement.id === 'f-client-full_name'",
        "focus on the first field with an error",
    )
    .await;
    let name = b
        .client
        .find(Locator::Id("f-client-full_name"))
        .await
        .unwrap();
    assert_eq!(
        name.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        name.attr("aria-describedby").await.unwrap().as_deref(),
        Some("f-client-full_name-error")
    );
    let err = b
        .client
        .find(Locator::Id("f-client-full_name-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(err.contains("full name"), "{err}");
    b.screenshot("intake-01-about-errors").await;

    // The right keyboards.
    for (id, kind, mode, auto) in [
        ("f-client-email", "email", Some("email"), "email"),
        ("f-client-phone", "tel", Some("tel"), "tel"),
        ("f-client-full_name", "text", None, "name"),
        ("f-client-date_of_birth", "date", None, "bday"),
    ] {
        let el = b.client.find(Locator::Id(id)).await.unwrap();
        assert_eq!(
            el.attr("type").await.unwrap().as_deref(),
            Some(kind),
            "{id}"
        );
        assert_eq!(el.attr("inputmode").await.unwrap().as_deref(), mode, "{id}");
        assert_eq!(
            el.attr("autocomplete").await.unwrap().as_deref(),
            Some(auto),
            "{id}"
        );
        let label = b
            .js(&format!(
                "return document.querySelector('label[for={id}]') !== null"
            ))
            .await;
        assert_eq!(label, true, "{id} has a label");
    }

    type_into(&b, "f-client-full_name", "Zoë O'Brien").await;
    set_date(&b, "f-client-date_of_birth", "1986-04-12").await;
    type_into(&b, "f-client-email", "zoe@example.com").await;
    type_into(&b, "f-client-phone", "+44 7700 900123").await;
    click(&b, "f-client-preferred_contact-0").await;
    next(&b, "Hair loss").await;

    click(&b, "f-hair_loss-causes-0").await; // genetic
    click(&b, "f-hair_loss-causes-7").await; // stress
    type_into(&b, "f-hair_loss-years", "6").await;
    click(&b, "f-hair_loss-progressing-0").await;
    click(&b, "f-hair_loss-areas-0").await; // hairline
    click(&b, "f-hair_loss-areas-2").await; // crown
    click(&b, "f-hair_loss-pattern-0").await; // male
    click(&b, "f-hair_loss-norwood_stage-3").await; // stage 4
    b.screenshot("intake-02-hair-loss").await;
    next(&b, "Scars").await;

    click(&b, "f-has_scars-0").await;
    click(&b, "f-scars-0-kind-2").await; // FUE donor
    type_into(&b, "f-scars-0-location", "back of the head, donor area").await;
    type_into(&b, "f-scars-0-size_cm", "0.5").await;
    type_into(&b, "f-scars-0-age_months", "18").await;
    click(&b, "f-scars-0-camouflage_wanted-0").await;
    b.screenshot("intake-03-scars").await;
    next(&b, "Previous transplants").await;

    // Half-way: a reload brings the draft back, on the same step.
    b.client.refresh().await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        "document.getElementById('step-title').textContent === 'Previous transplants'",
        "the saved step",
    )
    .await;
    click(&b, "next").await; // not answered yet: stays, with an error
    b.wait_js(
        "document.getElementById('f-has_transplants-error') !== null",
        "the transplant error",
    )
    .await;
    b.client
        .find(Locator::Css(".nav .button:not(.primary)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_js(
        "document.getElementById('step-title').textContent === 'Scars'",
        "Back",
    )
    .await;
    let loc = b
        .client
        .find(Locator::Id("f-scars-0-location"))
        .await
        .unwrap();
    assert_eq!(
        loc.prop("value").await.unwrap().as_deref(),
        Some("back of the head, donor area")
    );
    next(&b, "Previous transplants").await;

    click(&b, "f-has_transplants-0").await;
    click(&b, "f-transplants-0-technique-0").await; // FUE
    type_into(&b, "f-transplants-0-year", "2021").await;
    type_into(&b, "f-transplants-0-grafts", "2500").await;
    click(&b, "f-transplants-0-outcome-1").await; // thin
    b.screenshot("intake-04-transplants").await;
    next(&b, "Medical screening").await;

    click(&b, "f-medical-allergies-2").await; // anaesthetic
    type_into(
        &b,
        "f-medical-allergy_details",
        "rash after dental lidocaine",
    )
    .await;
    for q in SCREENING {
        click(&b, &format!("f-medical-{q}-1")).await;
    }
    click(&b, "f-medical-minoxidil-0").await;
    type_into(&b, "f-medical-medications", "finasteride 1 mg daily").await;
    b.screenshot("intake-05-medical").await;
    next(&b, "Comfort and pain").await;

    click(&b, "f-comfort-pain_tolerance-4").await;
    for q in ["needle_anxiety", "previous_tattoos", "numbing_cream"] {
        click(&b, &format!("f-comfort-{q}-0")).await;
    }
    b.screenshot("intake-06-comfort").await;
    next(&b, "Lifestyle").await;

    click(&b, "f-lifestyle-sun_exposure-1").await;
    click(&b, "f-lifestyle-swimming-1").await;
    click(&b, "f-lifestyle-sauna-1").await;
    click(&b, "f-lifestyle-heavy_exercise-0").await;
    click(&b, "f-lifestyle-scalp_type-1").await;
    click(&b, "f-lifestyle-hair_style-0").await;
    b.screenshot("intake-07-lifestyle").await;
    next(&b, "Goals").await;

    click(&b, "f-goals-hairline_style-1").await;
    click(&b, "f-goals-density-1").await;
    type_into(&b, "f-goals-natural_hair_colour", "dark brown").await;
    type_into(
        &b,
        "f-goals-notes",
        "Want it to look like a natural 1 mm buzz cut.",
    )
    .await;
    b.screenshot("intake-08-goals").await;
    next(&b, "Consent").await;

    b.wait_js(
        "document.getElementById('f-consent-accepted-procedure') !== null",
        "the consent text",
    )
    .await;
    let text = b
        .js("return document.querySelector('main').innerText")
        .await;
    assert!(text.as_str().unwrap().contains("does not regrow hair"));
    let ids: Vec<String> = fixture()["consent"]["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // All but one ticked: Next refuses and names the missing clause.
    for id in &ids[..ids.len() - 1] {
        click(&b, &format!("f-consent-accepted-{id}")).await;
    }
    click(&b, "f-consent-disclosure").await;
    click(&b, "next").await;
    b.wait_js(
        "document.getElementById('f-consent-accepted-electronic_signature-error') !== null",
        "the clause error",
    )
    .await;
    click(&b, "f-consent-accepted-electronic_signature").await;
    b.screenshot("intake-09-consent").await;
    next(&b, "Signature").await;

    // Draw with a finger: three strokes of touch pointer events.
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
    let scroll_before = b.js("return window.scrollY").await;
    for (start_x, dy) in [(-150.0, 20.0), (-30.0, -20.0), (80.0, 15.0)] {
        let mut stroke = TouchActions::new("finger".into())
            .then(PointerAction::MoveToElement {
                element: pad.clone(),
                duration: None,
                x: start_x,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
        for i in 1..=8 {
            stroke = stroke.then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(20)),
                x: 8.0,
                y: if i % 2 == 0 { dy } else { -dy },
            });
        }
        stroke = stroke.then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        b.client.perform_actions(stroke).await.unwrap();
        b.client.release_actions().await.unwrap();
    }
    assert_eq!(
        b.js("return window.scrollY").await,
        scroll_before,
        "the page must not scroll while drawing"
    );
    assert_eq!(
        b.js("return getComputedStyle(document.getElementById('f-signature-strokes')).touchAction")
            .await,
        "none"
    );
    let strokes = "JSON.parse(localStorage.getItem('stipple.intake.draft')).strokes.length";
    b.wait_js(&format!("{strokes} === 3"), "three saved strokes")
        .await;
    // Undo removes the last stroke; draw it again.
    // A pause, as a person makes: a tap right after a stroke reads as part of a gesture.
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Tap Undo with the finger too.
    let undo = b.client.find(Locator::Id("sig-undo")).await.unwrap();
    let tap = TouchActions::new("tap".into())
        .then(PointerAction::MoveToElement {
            element: undo,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    b.client.perform_actions(tap).await.unwrap();
    b.client.release_actions().await.unwrap();
    b.wait_js(&format!("{strokes} === 2"), "undo to leave two strokes")
        .await;
    let redo = TouchActions::new("finger2".into())
        .then(PointerAction::MoveToElement {
            element: pad.clone(),
            duration: None,
            x: 60.0,
            y: 10.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 90.0,
            y: -30.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    b.client.perform_actions(redo).await.unwrap();
    b.client.release_actions().await.unwrap();
    type_into(&b, "f-signature-typed_name", "zoe o'brien").await;
    b.screenshot("intake-10-signature").await;
    next(&b, "Review").await;

    let review = b
        .js("return document.querySelector('main').innerText")
        .await;
    for expected in [
        "Zoë O'Brien",
        "zoe@example.com",
        "back of the head, donor area",
        "finasteride 1 mg daily",
        "Drawn",
    ] {
        assert!(
            review.as_str().unwrap().contains(expected),
            "review lacks {expected}"
        );
    }
    b.screenshot("intake-11-review").await;
    // A link back to a step from the review.
    let change = b
        .client
        .find(Locator::XPath("//button[normalize-space()='Change goals']"))
        .await
        .unwrap();
    change.click().await.unwrap();
    b.wait_js(
        "document.getElementById('step-title').textContent === 'Goals'",
        "Change goals",
    )
    .await;
    for t in ["Consent", "Signature", "Review"] {
        next(&b, t).await;
    }

    click(&b, "send").await;
    b.wait_js(
        "document.getElementById('step-title').textContent === 'Done'",
        "the thank-you page",
    )
    .await;
    let done = b
        .js("return document.querySelector('main').innerText")
        .await;
    assert!(done.as_str().unwrap().contains("Thank you"));
    assert!(
        done.as_str()
            .unwrap()
            .contains("Do not wash or wet your scalp"),
        "aftercare shown"
    );
    b.screenshot("intake-12-done").await;
    // The draft is gone from the phone; the receipt stays for this page.
    assert_eq!(
        b.js("return localStorage.getItem('stipple.intake.draft')")
            .await,
        Value::Null
    );
    let receipt_token = b
        .js("return JSON.parse(localStorage.getItem('stipple.intake.receipt')).receipt_token")
        .await;
    // The thank-you page opens the client's own signed consent through a
    // short-lived link made on the tap (the receipt token is in no URL).
    click(&b, "consent-pdf").await;
    let mut href = String::new();
    for _ in 0..100 {
        href = b.client.current_url().await.unwrap().to_string();
        if href.contains("consent.pdf?token=") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(href.contains("consent.pdf?token="), "{href}");
    assert!(!href.contains(receipt_token.as_str().unwrap()), "{href}");
    let pdf = app.api.get(&href).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");

    // Exactly one row, holding what was typed: the fixture's answers.
    assert_eq!(app.count_submissions().await, 1);
    let stored = stored_answers(&app).await;
    let mut expected = fixture();
    for v in [&mut expected, &mut stored.clone()] {
        v.as_object_mut().unwrap().remove("id");
        v.as_object_mut().unwrap().remove("signature");
        v.as_object_mut().unwrap().remove("opened_at");
    }
    let mut got = stored.clone();
    got.as_object_mut().unwrap().remove("id");
    got.as_object_mut().unwrap().remove("signature");
    assert!(
        got.as_object_mut().unwrap().remove("opened_at").is_some(),
        "the wizard records when it was opened"
    );
    assert_eq!(got, expected, "\n got: {got}\nwant: {expected}");
    assert_eq!(stored["signature"]["typed_name"], "zoe o'brien");
    assert_eq!(stored["signature"]["strokes"].as_array().unwrap().len(), 3);
    let first_point = &stored["signature"]["strokes"][0][0];
    assert_eq!(first_point.as_array().unwrap().len(), 3, "x, y, t");
    b.close().await;
}

/// The one stored submission's answers, opened with the app's data key.
async fn stored_answers(app: &stipple_tests::TestApp) -> Value {
    use sea_orm::EntityTrait;
    let db = app.db().await;
    let row = stipple_server::entities::submission::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let text = app
        .vault()
        .open_text(stipple_server::vault::at::answers(row.id), &row.answers)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}
