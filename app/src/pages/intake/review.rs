//! Step 11: every answer, grouped by step, with a way back to each; then send.

use leptos::prelude::*;

use super::fields::when;

use super::{
    draft::{Draft, Pattern},
    submit, FormCtx, Step,
};
use crate::domain::questions::{self as q, Question};

fn yn(v: Option<bool>) -> String {
    match v {
        Some(true) => "Yes".into(),
        Some(false) => "No".into(),
        None => "—".into(),
    }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.trim().to_string()
    }
}

fn labels<T: Copy>(items: &[T], label: fn(T) -> &'static str) -> String {
    if items.is_empty() {
        "None".into()
    } else {
        items
            .iter()
            .map(|i| label(*i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn opt_label<T: Copy>(v: Option<T>, label: fn(T) -> &'static str) -> String {
    v.map(|v| label(v).to_string())
        .unwrap_or_else(|| "—".into())
}

/// The answers of one step as (question, answer) rows.
fn rows(d: &Draft, step: Step) -> Vec<(String, String)> {
    use crate::domain::vocab::*;
    // Each answer beside the words it was asked with.
    let r = |question: Question, a: String| (question.label.to_string(), a);
    let item = |name: &str, i: usize, a: String| (format!("{name} {}", i + 1), a);
    // What the consent and signature steps came to, not questions.
    let fact = |what: &str, a: String| (what.to_string(), a);
    let questions = |qs: &[Question]| {
        qs.iter()
            .map(|question| r(*question, yn(d.yes_no(question.path))))
            .collect::<Vec<_>>()
    };
    match step {
        Step::AboutYou => vec![
            r(q::FULL_NAME, or_dash(&d.full_name)),
            r(q::DATE_OF_BIRTH, or_dash(&d.date_of_birth)),
            r(q::EMAIL, or_dash(&d.email)),
            r(q::PHONE, or_dash(&d.phone)),
            r(
                q::PREFERRED_CONTACT,
                opt_label(d.preferred_contact, PreferredContact::label),
            ),
            r(q::PREFERRED_DATE, or_dash(&d.preferred_date)),
        ],
        Step::HairLoss => {
            let mut v = vec![
                r(q::CAUSES, labels(&d.causes, HairLossCause::label)),
                r(q::YEARS, or_dash(&d.years)),
                r(q::PROGRESSING, yn(d.progressing)),
                r(q::AREAS, labels(&d.areas, HairLossArea::label)),
            ];
            if d.causes.contains(&HairLossCause::Other) {
                v.insert(1, r(q::CAUSE_OTHER, or_dash(&d.cause_other)));
            }
            match d.pattern {
                Some(Pattern::Male) => v.push(r(q::NORWOOD_STAGE, or_dash(&d.norwood_stage))),
                Some(Pattern::Female) => v.push(r(q::LUDWIG_STAGE, or_dash(&d.ludwig_stage))),
                _ => v.push(r(q::HAIR_PATTERN, "Not sure".into())),
            }
            v
        }
        Step::Scars => {
            if d.has_scars != Some(true) {
                return vec![r(q::HAS_SCARS, yn(d.has_scars))];
            }
            d.scars
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    item(
                        "Scar",
                        i,
                        format!(
                            "{} · {} · {} cm · {} months · camouflage: {}",
                            opt_label(s.kind, ScarKind::label),
                            or_dash(&s.location),
                            or_dash(&s.size_cm),
                            or_dash(&s.age_months),
                            yn(s.camouflage_wanted)
                        ),
                    )
                })
                .collect()
        }
        Step::Transplants => {
            if d.has_transplants != Some(true) {
                return vec![r(q::HAS_TRANSPLANTS, yn(d.has_transplants))];
            }
            d.transplants
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    item(
                        "Transplant",
                        i,
                        format!(
                            "{} · {} · {} grafts · {}",
                            opt_label(t.technique, TransplantTechnique::label),
                            or_dash(&t.year),
                            or_dash(&t.grafts),
                            opt_label(t.outcome, TransplantOutcome::label)
                        ),
                    )
                })
                .collect()
        }
        Step::Medical => {
            let mut v = vec![r(q::ALLERGIES, labels(&d.allergies, Allergy::label))];
            if !d.allergies.is_empty() {
                v.push(r(q::ALLERGY_DETAILS, or_dash(&d.allergy_details)));
            }
            v.push(r(
                q::SKIN_CONDITIONS,
                labels(&d.skin_conditions, SkinCondition::label),
            ));
            if d.skin_conditions.contains(&SkinCondition::Other) {
                v.push(r(q::SKIN_CONDITION_OTHER, or_dash(&d.skin_condition_other)));
            }
            v.extend(questions(q::MEDICAL_YES_NO));
            v.push(r(q::MEDICATIONS, or_dash(&d.medications)));
            v
        }
        Step::Comfort => {
            let mut v = vec![r(
                q::PAIN_TOLERANCE,
                format!("{} of 10", or_dash(&d.pain_tolerance)),
            )];
            v.extend(questions(q::COMFORT_YES_NO));
            v
        }
        Step::Lifestyle => {
            let mut v = vec![r(
                q::SUN_EXPOSURE,
                opt_label(d.sun_exposure, SunExposure::label),
            )];
            v.extend(questions(q::LIFESTYLE_YES_NO));
            v.push(r(q::SCALP_TYPE, opt_label(d.scalp_type, ScalpType::label)));
            v.push(r(q::HAIR_STYLE, opt_label(d.hair_style, HairStyle::label)));
            v
        }
        Step::Goals => vec![
            r(
                q::HAIRLINE_STYLE,
                opt_label(d.hairline_style, HairlineStyle::label),
            ),
            r(q::DENSITY, opt_label(d.density, Density::label)),
            r(q::NATURAL_HAIR_COLOUR, or_dash(&d.natural_hair_colour)),
            r(q::GOAL_NOTES, or_dash(&d.notes)),
        ],
        Step::Consent => vec![
            fact("Clauses agreed", d.accepted.len().to_string()),
            fact(
                "Marketing photos",
                if d.photo_marketing {
                    "Yes".into()
                } else {
                    "No".into()
                },
            ),
            fact(
                "Electronic signature",
                if d.esign_disclosure {
                    "Agreed".into()
                } else {
                    "Not yet".into()
                },
            ),
        ],
        Step::Signature => vec![
            r(q::TYPED_NAME, or_dash(&d.typed_name)),
            fact(
                "Drawn signature",
                if d.strokes.is_empty() {
                    "Not drawn".into()
                } else {
                    "Drawn".into()
                },
            ),
        ],
        _ => Vec::new(),
    }
}

#[component]
pub fn Review() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let sending = RwSignal::new(false);
    let failure = ctx.send_error;
    let sections = move || {
        let d = ctx.draft.get();
        Step::asking()
            .iter()
            .map(|&step| {
                let title = step.title();
                let n = step as usize;
                let items = rows(&d, step)
                    .into_iter()
                    .map(|(q, a)| view! { <dt>{q}</dt><dd>{a}</dd> })
                    .collect_view();
                view! {
                    <section class="card review" aria-labelledby=format!("review-{n}")>
                        <h2 id=format!("review-{n}")>{title}</h2>
                        <dl>{items}</dl>
                        <button type="button" class="button secondary" disabled=move || sending.get() on:click=move |_| ctx.go(step)>
                            // Step titles are plain English: no Unicode case tables needed.
                            {format!("Change {}", title.to_ascii_lowercase())}
                        </button>
                    </section>
                }
            })
            .collect_view()
    };
    view! {
        <p>"Check your answers. You can change any of them before you send."</p>
        {sections}
        <div role="status" aria-live="polite">
            {move || failure.get().map(|m| view! { <p class="error" id="send-error" tabindex="-1">{m}</p> })}
            {when(move || sending.get(), move || view! {
                <p>"Sending…"</p>
            })}
        </div>
        <div class="nav">
            <button type="button" class="button" disabled=move || sending.get() on:click=move |_| ctx.go(Step::Review.back())>"Back"</button>
            <button type="button" class="button primary" id="send" disabled=move || sending.get() on:click=move |_| submit(ctx, sending)>
                "Send to the clinic"
            </button>
        </div>
    }
}
