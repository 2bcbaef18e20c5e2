//! Step 11: every answer, grouped by step, with a way back to each; then send.

use leptos::prelude::*;

use super::fields::when;

use super::{
    draft::{Draft, Pattern, COMFORT_QUESTIONS, LIFESTYLE_QUESTIONS, MEDICAL_QUESTIONS},
    submit, FormCtx, STEPS,
};

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
fn rows(d: &Draft, step: usize) -> Vec<(String, String)> {
    use crate::domain::vocab::*;
    let r = |q: &str, a: String| (q.to_string(), a);
    let questions = |qs: &[(&str, &str)]| {
        qs.iter()
            .map(|(p, q)| r(q, yn(d.yes_no(p))))
            .collect::<Vec<_>>()
    };
    match step {
        0 => vec![
            r("Full name", or_dash(&d.full_name)),
            r("Date of birth", or_dash(&d.date_of_birth)),
            r("E-mail", or_dash(&d.email)),
            r("Phone", or_dash(&d.phone)),
            r(
                "Contact by",
                opt_label(d.preferred_contact, PreferredContact::label),
            ),
            r("Preferred date", or_dash(&d.preferred_date)),
        ],
        1 => {
            let mut v = vec![
                r("Causes", labels(&d.causes, HairLossCause::label)),
                r("Years", or_dash(&d.years)),
                r("Still progressing", yn(d.progressing)),
                r("Areas", labels(&d.areas, HairLossArea::label)),
            ];
            if d.causes.contains(&HairLossCause::Other) {
                v.insert(1, r("Other cause", or_dash(&d.cause_other)));
            }
            match d.pattern {
                Some(Pattern::Male) => v.push(r("Norwood stage", or_dash(&d.norwood_stage))),
                Some(Pattern::Female) => v.push(r("Ludwig stage", or_dash(&d.ludwig_stage))),
                _ => v.push(r("Pattern", "Not sure".into())),
            }
            v
        }
        2 => {
            if d.has_scars != Some(true) {
                return vec![r("Scars", yn(d.has_scars))];
            }
            d.scars
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    r(
                        &format!("Scar {}", i + 1),
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
        3 => {
            if d.has_transplants != Some(true) {
                return vec![r("Transplants", yn(d.has_transplants))];
            }
            d.transplants
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    r(
                        &format!("Transplant {}", i + 1),
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
        4 => {
            let mut v = vec![r("Allergies", labels(&d.allergies, Allergy::label))];
            if !d.allergies.is_empty() {
                v.push(r("Allergy details", or_dash(&d.allergy_details)));
            }
            v.push(r(
                "Scalp conditions",
                labels(&d.skin_conditions, SkinCondition::label),
            ));
            if d.skin_conditions.contains(&SkinCondition::Other) {
                v.push(r("Other condition", or_dash(&d.skin_condition_other)));
            }
            v.extend(questions(MEDICAL_QUESTIONS));
            v.push(r("Medicines", or_dash(&d.medications)));
            v
        }
        5 => {
            let mut v = vec![r("Pain sensitivity (0–10)", or_dash(&d.pain_tolerance))];
            v.extend(questions(COMFORT_QUESTIONS));
            v
        }
        6 => {
            let mut v = vec![r(
                "Sun exposure",
                opt_label(d.sun_exposure, SunExposure::label),
            )];
            v.extend(questions(LIFESTYLE_QUESTIONS));
            v.push(r("Scalp", opt_label(d.scalp_type, ScalpType::label)));
            v.push(r("Hair kept", opt_label(d.hair_style, HairStyle::label)));
            v
        }
        7 => vec![
            r(
                "Hairline",
                opt_label(d.hairline_style, HairlineStyle::label),
            ),
            r("Density", opt_label(d.density, Density::label)),
            r("Natural hair colour", or_dash(&d.natural_hair_colour)),
            r("Notes", or_dash(&d.notes)),
        ],
        8 => vec![
            r("Clauses agreed", d.accepted.len().to_string()),
            r(
                "Marketing photos",
                if d.photo_marketing {
                    "Yes".into()
                } else {
                    "No".into()
                },
            ),
            r(
                "Electronic signature",
                if d.esign_disclosure {
                    "Agreed".into()
                } else {
                    "Not yet".into()
                },
            ),
        ],
        9 => vec![
            r("Typed name", or_dash(&d.typed_name)),
            r(
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
        (0..super::REVIEW)
            .map(|step| {
                let title = STEPS[step].title;
                let items = rows(&d, step)
                    .into_iter()
                    .map(|(q, a)| view! { <dt>{q}</dt><dd>{a}</dd> })
                    .collect_view();
                view! {
                    <section class="card review" aria-labelledby=format!("review-{step}")>
                        <h2 id=format!("review-{step}")>{title}</h2>
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
            <button type="button" class="button" disabled=move || sending.get() on:click=move |_| ctx.go(super::REVIEW - 1)>"Back"</button>
            <button type="button" class="button primary" id="send" disabled=move || sending.get() on:click=move |_| submit(ctx, sending)>
                "Send to the clinic"
            </button>
        </div>
    }
}
