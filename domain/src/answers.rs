//! A submission as sections of (question, answer) lines, each question in
//! the words the client was asked (`questions`): used for the consent PDF
//! and the staff's view of a submission.

use super::{
    questions::{self as q, Question},
    submission::Submission,
    vocab::*,
};

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

fn row(question: Question, a: impl Into<String>) -> (String, String) {
    (question.label.to_string(), a.into())
}

/// One row for each scar or transplant, under its number.
fn item(name: &str, i: usize, a: String) -> (String, String) {
    (format!("{name} {}", i + 1), a)
}

/// Every answer of the intake, grouped as the wizard asks them.
pub fn answer_sections(s: &Submission) -> Vec<AnswerSection> {
    let c = &s.client;
    let h = &s.hair_loss;
    let m = &s.medical;
    let mut hair = vec![row(q::CAUSES, labels(&h.causes))];
    if h.causes.contains(&HairLossCause::Other) {
        hair.push(row(q::CAUSE_OTHER, opt(&h.cause_other)));
    }
    hair.push(row(q::YEARS, h.years.to_string()));
    hair.push(row(q::PROGRESSING, yn(h.progressing)));
    hair.push(row(q::AREAS, labels(&h.areas)));
    if let Some(n) = h.norwood_stage {
        hair.push(row(q::NORWOOD_STAGE, n.to_string()));
    }
    if let Some(l) = h.ludwig_stage {
        hair.push(row(
            q::LUDWIG_STAGE,
            ["I", "II", "III"]
                .get(usize::from(l).saturating_sub(1))
                .unwrap_or(&"?")
                .to_string(),
        ));
    }
    let scars = if s.scars.is_empty() {
        vec![row(q::HAS_SCARS, "No")]
    } else {
        s.scars
            .iter()
            .enumerate()
            .map(|(i, sc)| {
                item(
                    "Scar",
                    i,
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
        vec![row(q::HAS_TRANSPLANTS, "No")]
    } else {
        s.transplants
            .iter()
            .enumerate()
            .map(|(i, t)| {
                item(
                    "Transplant",
                    i,
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
    let mut medical = vec![row(q::ALLERGIES, labels(&m.allergies))];
    if !m.allergies.is_empty() {
        medical.push(row(q::ALLERGY_DETAILS, opt(&m.allergy_details)));
    }
    medical.push(row(q::SKIN_CONDITIONS, labels(&m.skin_conditions)));
    if m.skin_conditions.contains(&SkinCondition::Other) {
        medical.push(row(q::SKIN_CONDITION_OTHER, opt(&m.skin_condition_other)));
    }
    for (question, answer) in q::MEDICAL_YES_NO.iter().zip([
        m.keloid_tendency,
        m.blood_thinners,
        m.diabetes,
        m.immune_suppressed,
        m.heart_condition,
        m.epilepsy,
        m.bloodborne_infection,
        m.pregnant_or_breastfeeding,
        m.isotretinoin_last_12_months,
        m.minoxidil,
        m.chemo_or_radiotherapy,
        m.recent_sunburn,
    ]) {
        medical.push(row(*question, yn(answer)));
    }
    medical.push(row(q::MEDICATIONS, opt(&m.medications)));
    let co = &s.comfort;
    let l = &s.lifestyle;
    let g = &s.goals;
    vec![
        AnswerSection {
            title: "About you",
            rows: vec![
                row(q::FULL_NAME, c.full_name.trim()),
                row(
                    q::DATE_OF_BIRTH,
                    c.date_of_birth.format("%Y-%m-%d").to_string(),
                ),
                row(q::EMAIL, opt(&c.email)),
                row(q::PHONE, opt(&c.phone)),
                row(q::PREFERRED_CONTACT, c.preferred_contact.label()),
                row(
                    q::PREFERRED_DATE,
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
                row(q::PAIN_TOLERANCE, format!("{} of 10", co.pain_tolerance)),
                row(q::NEEDLE_ANXIETY, yn(co.needle_anxiety)),
                row(q::PREVIOUS_TATTOOS, yn(co.previous_tattoos)),
                row(q::NUMBING_CREAM, yn(co.numbing_cream)),
            ],
        },
        AnswerSection {
            title: "Lifestyle",
            rows: vec![
                row(q::SUN_EXPOSURE, l.sun_exposure.label()),
                row(q::SWIMMING, yn(l.swimming)),
                row(q::SAUNA, yn(l.sauna)),
                row(q::HEAVY_EXERCISE, yn(l.heavy_exercise)),
                row(q::SCALP_TYPE, l.scalp_type.label()),
                row(q::HAIR_STYLE, l.hair_style.label()),
            ],
        },
        AnswerSection {
            title: "Goals",
            rows: vec![
                row(q::HAIRLINE_STYLE, g.hairline_style.label()),
                row(q::DENSITY, g.density.label()),
                row(q::NATURAL_HAIR_COLOUR, opt(&g.natural_hair_colour)),
                row(q::GOAL_NOTES, opt(&g.notes)),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::ALL;

    fn fixture() -> Submission {
        serde_json::from_str(include_str!("../../tests/fixtures/intake-v1.json")).unwrap()
    }

    /// The PDF and the staff's view show each answer beside the words the
    /// wizard asked it with: the labels come from the one question list.
    #[test]
    fn every_answer_is_shown_with_the_question_asked() {
        let mut s = fixture();
        s.hair_loss.causes.push(HairLossCause::Other);
        s.hair_loss.cause_other = Some("Traction".into());
        s.scars.clear();
        let labels: Vec<&str> = ALL.iter().map(|q| q.label).collect();
        let mut shown = Vec::new();
        for section in answer_sections(&s) {
            for (question, _) in section.rows {
                let item = question.starts_with("Scar ") || question.starts_with("Transplant ");
                assert!(
                    item || labels.contains(&question.as_str()),
                    "`{question}` is not in the question list"
                );
                shown.push(question);
            }
        }
        for q in crate::questions::MEDICAL_YES_NO {
            assert!(
                shown.iter().any(|l| l == q.label),
                "{} is not shown",
                q.path
            );
        }
        assert!(shown.iter().any(|l| l == q::HAS_SCARS.label));
    }
}
