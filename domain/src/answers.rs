//! A submission as sections of (question, answer) lines, in the clinic's
//! words: used for the consent PDF and the staff's view of a submission.

use super::{submission::Submission, vocab::*};

pub struct AnswerSection {
    pub title: &'static str,
    pub rows: Vec<(String, String)>,
}

fn yn(v: bool) -> String {
    if v { "Yes" } else { "No" }.to_string()
}

fn opt(v: &Option<String>) -> String {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("—")
        .to_string()
}

fn labels<T: Vocab>(items: &[T]) -> String {
    if items.is_empty() {
        "None".into()
    } else {
        items
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn row(q: &str, a: impl Into<String>) -> (String, String) {
    (q.to_string(), a.into())
}

/// Every answer of the intake, grouped as the wizard asks them.
pub fn answer_sections(s: &Submission) -> Vec<AnswerSection> {
    let c = &s.client;
    let h = &s.hair_loss;
    let m = &s.medical;
    let mut hair = vec![row("Causes", labels(&h.causes))];
    if h.causes.contains(&HairLossCause::Other) {
        hair.push(row("Other cause", opt(&h.cause_other)));
    }
    hair.push(row("Years of hair loss", h.years.to_string()));
    hair.push(row("Still progressing", yn(h.progressing)));
    hair.push(row("Areas", labels(&h.areas)));
    if let Some(n) = h.norwood_stage {
        hair.push(row("Norwood stage", n.to_string()));
    }
    if let Some(l) = h.ludwig_stage {
        hair.push(row(
            "Ludwig stage",
            ["I", "II", "III"]
                .get(usize::from(l).saturating_sub(1))
                .unwrap_or(&"?")
                .to_string(),
        ));
    }
    let scars = if s.scars.is_empty() {
        vec![row("Scars", "None")]
    } else {
        s.scars
            .iter()
            .enumerate()
            .map(|(i, sc)| {
                row(
                    &format!("Scar {}", i + 1),
                    format!(
                        "{}; {}; {} cm; {} months old; camouflage wanted: {}",
                        sc.kind.label(),
                        sc.location.trim(),
                        sc.size_cm,
                        sc.age_months,
                        yn(sc.camouflage_wanted)
                    ),
                )
            })
            .collect()
    };
    let transplants = if s.transplants.is_empty() {
        vec![row("Transplants", "None")]
    } else {
        s.transplants
            .iter()
            .enumerate()
            .map(|(i, t)| {
                row(
                    &format!("Transplant {}", i + 1),
                    format!(
                        "{}, {}, {} grafts, outcome: {}",
                        t.technique.label(),
                        t.year,
                        t.grafts
                            .map(|g| g.to_string())
                            .unwrap_or_else(|| "unknown".into()),
                        t.outcome.label()
                    ),
                )
            })
            .collect()
    };
    let mut medical = vec![row("Allergies", labels(&m.allergies))];
    if !m.allergies.is_empty() {
        medical.push(row("Allergy details", opt(&m.allergy_details)));
    }
    medical.push(row("Scalp conditions", labels(&m.skin_conditions)));
    if m.skin_conditions.contains(&SkinCondition::Other) {
        medical.push(row("Other condition", opt(&m.skin_condition_other)));
    }
    for (q, a) in [
        ("Keloid or raised scarring", m.keloid_tendency),
        ("Blood thinners or bleeding disorder", m.blood_thinners),
        ("Diabetes", m.diabetes),
        ("Immune suppression", m.immune_suppressed),
        ("Heart condition or pacemaker", m.heart_condition),
        ("Epilepsy", m.epilepsy),
        ("Blood-borne infection", m.bloodborne_infection),
        ("Pregnant or breastfeeding", m.pregnant_or_breastfeeding),
        (
            "Isotretinoin in the last 12 months",
            m.isotretinoin_last_12_months,
        ),
        ("Minoxidil or other scalp treatment", m.minoxidil),
        ("Chemotherapy or radiotherapy", m.chemo_or_radiotherapy),
        ("Recent sunburn on the scalp", m.recent_sunburn),
    ] {
        medical.push(row(q, yn(a)));
    }
    medical.push(row("Medicines", opt(&m.medications)));
    let co = &s.comfort;
    let l = &s.lifestyle;
    let g = &s.goals;
    vec![
        AnswerSection {
            title: "About you",
            rows: vec![
                row("Full name", c.full_name.trim()),
                row(
                    "Date of birth",
                    c.date_of_birth.format("%Y-%m-%d").to_string(),
                ),
                row("E-mail", opt(&c.email)),
                row("Phone", opt(&c.phone)),
                row("Contact by", c.preferred_contact.label()),
                row(
                    "Preferred date",
                    s.appointment
                        .preferred_date
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
            ],
        },
        AnswerSection {
            title: "Hair loss",
            rows: hair,
        },
        AnswerSection {
            title: "Scars",
            rows: scars,
        },
        AnswerSection {
            title: "Previous transplants",
            rows: transplants,
        },
        AnswerSection {
            title: "Medical screening",
            rows: medical,
        },
        AnswerSection {
            title: "Comfort and pain",
            rows: vec![
                row("Pain sensitivity (0–10)", co.pain_tolerance.to_string()),
                row("Anxious about needles", yn(co.needle_anxiety)),
                row("Tattoos before", yn(co.previous_tattoos)),
                row("Numbing cream wanted", yn(co.numbing_cream)),
            ],
        },
        AnswerSection {
            title: "Lifestyle",
            rows: vec![
                row("Sun exposure", l.sun_exposure.label()),
                row("Swims regularly", yn(l.swimming)),
                row("Sauna or steam room", yn(l.sauna)),
                row("Heavy exercise or sweating", yn(l.heavy_exercise)),
                row("Scalp", l.scalp_type.label()),
                row("Hair kept", l.hair_style.label()),
            ],
        },
        AnswerSection {
            title: "Goals",
            rows: vec![
                row("Hairline", g.hairline_style.label()),
                row("Density", g.density.label()),
                row("Natural hair colour", opt(&g.natural_hair_colour)),
                row("Notes", opt(&g.notes)),
            ],
        },
    ]
}
