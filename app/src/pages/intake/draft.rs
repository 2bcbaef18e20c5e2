//! The wizard's working copy of a submission. Inputs hold what the client
//! typed (text for numbers and dates, `None` until a choice is made); the
//! draft is saved on the phone as-is and turned into a [`Submission`] to be
//! checked by the shared rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{vocab::*, *};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Male,
    Female,
    Unsure,
}

/// The pattern question is the wizard's own: it decides which scale to ask.
impl Vocab for Pattern {
    fn all() -> &'static [Self] {
        &[Pattern::Male, Pattern::Female, Pattern::Unsure]
    }
    fn as_str(self) -> &'static str {
        match self {
            Pattern::Male => "male",
            Pattern::Female => "female",
            Pattern::Unsure => "unsure",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Pattern::Male => "Male pattern (receding hairline, crown)",
            Pattern::Female => "Female pattern (thinning on top)",
            Pattern::Unsure => "Not sure",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Self::all().iter().copied().find(|p| p.as_str() == s)
    }
}

/// `YYYY-MM-DD`, the form a date input gives and the API takes. (Written
/// out rather than chrono's format parser, which the browser bundle would
/// otherwise carry for this one use.)
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let digits = &b[from..to];
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub id: String,
    /// When this intake was opened (RFC 3339), for the audit trail.
    pub opened_at: String,
    pub step: super::Step,
    /// Sent while offline: it waits in the phone's outbox, and this draft is
    /// kept until the clinic has it (or refuses it, to be corrected).
    pub queued: bool,
    // About you
    pub full_name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub preferred_contact: Option<PreferredContact>,
    pub preferred_date: String,
    pub invite_token: Option<String>,
    // Hair loss
    pub causes: Vec<HairLossCause>,
    pub cause_other: String,
    pub years: String,
    pub progressing: Option<bool>,
    pub areas: Vec<HairLossArea>,
    pub pattern: Option<Pattern>,
    pub norwood_stage: String,
    pub ludwig_stage: String,
    // Scars and transplants
    pub has_scars: Option<bool>,
    pub scars: Vec<ScarDraft>,
    pub has_transplants: Option<bool>,
    pub transplants: Vec<TransplantDraft>,
    // Medical
    pub allergies: Vec<Allergy>,
    pub allergy_details: String,
    pub skin_conditions: Vec<SkinCondition>,
    pub skin_condition_other: String,
    pub yes_no: YesNo,
    pub medications: String,
    // Comfort
    pub pain_tolerance: String,
    // Lifestyle
    pub sun_exposure: Option<SunExposure>,
    pub scalp_type: Option<ScalpType>,
    pub hair_style: Option<HairStyle>,
    // Goals
    pub hairline_style: Option<HairlineStyle>,
    pub density: Option<Density>,
    pub natural_hair_colour: String,
    pub notes: String,
    // Consent and signature
    pub accepted: Vec<String>,
    pub photo_marketing: bool,
    pub esign_disclosure: bool,
    pub typed_name: String,
    pub png_base64: String,
    pub strokes: Vec<Vec<[f64; 3]>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScarDraft {
    pub kind: Option<ScarKind>,
    pub location: String,
    pub size_cm: String,
    pub age_months: String,
    pub camouflage_wanted: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransplantDraft {
    pub technique: Option<TransplantTechnique>,
    pub year: String,
    pub grafts: String,
    pub outcome: Option<TransplantOutcome>,
}

/// Every yes/no question, by its wire name. `None` until answered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct YesNo(pub std::collections::BTreeMap<String, bool>);

impl YesNo {
    pub fn get(&self, key: &str) -> Option<bool> {
        self.0.get(key).copied()
    }
}

/// Collects conversion problems while building a [`Submission`].
struct Build {
    errors: FieldErrors,
}

impl Build {
    fn text(v: &str) -> Option<String> {
        let t = v.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    fn number<T: std::str::FromStr + Default>(
        &mut self,
        path: &str,
        v: &str,
        required: bool,
    ) -> Option<T> {
        let t = v.trim().replace(',', ".");
        if t.is_empty() {
            if required {
                self.errors.add(path, "Enter a number");
            }
            return None;
        }
        match t.parse::<T>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.errors.add(path, "Enter a number");
                None
            }
        }
    }

    /// A measurement such as `2.5` or `2,5`: digits with at most one decimal
    /// point or comma, nothing else (no signs, exponents or `inf`).
    fn decimal(&mut self, path: &str, v: &str, required: bool) -> Option<f64> {
        let t = v.trim().replace(',', ".");
        if t.is_empty() {
            if required {
                self.errors.add(path, "Enter a number");
            }
            return None;
        }
        let (whole, fraction) = t.split_once('.').unwrap_or((&t, "0"));
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(whole) || whole.is_empty()) || !digits(fraction) {
            self.errors.add(path, "Enter a number");
            return None;
        }
        Some(crate::browser::parse_decimal(&t))
    }

    fn date(&mut self, path: &str, v: &str, required: bool) -> Option<NaiveDate> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.errors.add(path, "Enter a date");
            }
            return None;
        }
        match iso_date(t) {
            Some(d) => Some(d),
            None => {
                self.errors.add(path, "Enter a date like 1986-04-12");
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, path: &str, v: Option<T>, fallback: T) -> T {
        v.unwrap_or_else(|| {
            self.errors.add(path, "Choose one");
            fallback
        })
    }

    fn yes_no(&mut self, path: &str, v: Option<bool>) -> bool {
        v.unwrap_or_else(|| {
            self.errors.add(path, "Answer yes or no");
            false
        })
    }
}

impl Draft {
    pub fn yes_no(&self, path: &str) -> Option<bool> {
        self.yes_no.get(path)
    }

    /// Builds the submission and checks it with the shared rules. Problems
    /// converting an input replace the rule errors for that field.
    pub fn check(&self, ctx: &CheckContext<'_>) -> (Submission, FieldErrors) {
        let mut b = Build {
            errors: FieldErrors::default(),
        };
        if self.has_scars.is_none() {
            b.errors.add("has_scars", "Answer yes or no");
        }
        if self.has_transplants.is_none() {
            b.errors.add("has_transplants", "Answer yes or no");
        }
        if self.pattern.is_none() {
            b.errors.add("hair_loss.pattern", "Choose one");
        }
        if !self.esign_disclosure {
            b.errors.add(
                "consent.disclosure",
                "Accept the electronic-signature disclosure to continue",
            );
        }
        let scars = if self.has_scars == Some(true) {
            if self.scars.is_empty() {
                b.errors
                    .add("scars", "Add your scar, or answer \u{201c}No\u{201d}");
            }
            self.scars
                .iter()
                .enumerate()
                .map(|(i, s)| Scar {
                    kind: b.choice(&format!("scars[{i}].kind"), s.kind, ScarKind::Other),
                    location: s.location.trim().to_string(),
                    size_cm: b
                        .decimal(&format!("scars[{i}].size_cm"), &s.size_cm, true)
                        .unwrap_or(1.0),
                    age_months: b
                        .number(&format!("scars[{i}].age_months"), &s.age_months, true)
                        .unwrap_or(12),
                    camouflage_wanted: b.yes_no(
                        &format!("scars[{i}].camouflage_wanted"),
                        s.camouflage_wanted,
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        let this_year = chrono::Datelike::year(&ctx.today) as u16;
        let transplants = if self.has_transplants == Some(true) {
            if self.transplants.is_empty() {
                b.errors.add(
                    "transplants",
                    "Add your transplant, or answer \u{201c}No\u{201d}",
                );
            }
            self.transplants
                .iter()
                .enumerate()
                .map(|(i, t)| Transplant {
                    technique: b.choice(
                        &format!("transplants[{i}].technique"),
                        t.technique,
                        TransplantTechnique::Unknown,
                    ),
                    year: b
                        .number(&format!("transplants[{i}].year"), &t.year, true)
                        .unwrap_or(this_year),
                    grafts: b.number(&format!("transplants[{i}].grafts"), &t.grafts, false),
                    outcome: b.choice(
                        &format!("transplants[{i}].outcome"),
                        t.outcome,
                        TransplantOutcome::TooEarly,
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        let yn = |b: &mut Build, path: &str| b.yes_no(path, self.yes_no(path));
        let submission = Submission {
            id: uuid::Uuid::parse_str(&self.id).unwrap_or_default(),
            opened_at: crate::browser::parse_instant(&self.opened_at),
            client: Client {
                full_name: self.full_name.trim().to_string(),
                date_of_birth: b
                    .date("client.date_of_birth", &self.date_of_birth, true)
                    .unwrap_or(NaiveDate::from_ymd_opt(1980, 1, 1).expect("valid date")),
                email: Build::text(&self.email),
                phone: Build::text(&self.phone),
                preferred_contact: b.choice(
                    "client.preferred_contact",
                    self.preferred_contact,
                    PreferredContact::Email,
                ),
            },
            appointment: Appointment {
                invite_token: self.invite_token.clone(),
                preferred_date: b.date("appointment.preferred_date", &self.preferred_date, false),
            },
            hair_loss: HairLoss {
                causes: self.causes.clone(),
                cause_other: Build::text(&self.cause_other)
                    .filter(|_| self.causes.contains(&HairLossCause::Other)),
                years: b.number("hair_loss.years", &self.years, true).unwrap_or(0),
                progressing: b.yes_no("hair_loss.progressing", self.progressing),
                areas: self.areas.clone(),
                norwood_stage: if self.pattern == Some(Pattern::Male) {
                    b.number("hair_loss.norwood_stage", &self.norwood_stage, true)
                } else {
                    None
                },
                ludwig_stage: if self.pattern == Some(Pattern::Female) {
                    b.number("hair_loss.ludwig_stage", &self.ludwig_stage, true)
                } else {
                    None
                },
            },
            scars,
            transplants,
            medical: Medical {
                allergies: self.allergies.clone(),
                allergy_details: Build::text(&self.allergy_details)
                    .filter(|_| !self.allergies.is_empty()),
                skin_conditions: self.skin_conditions.clone(),
                skin_condition_other: Build::text(&self.skin_condition_other)
                    .filter(|_| self.skin_conditions.contains(&SkinCondition::Other)),
                keloid_tendency: yn(&mut b, "medical.keloid_tendency"),
                blood_thinners: yn(&mut b, "medical.blood_thinners"),
                diabetes: yn(&mut b, "medical.diabetes"),
                immune_suppressed: yn(&mut b, "medical.immune_suppressed"),
                heart_condition: yn(&mut b, "medical.heart_condition"),
                epilepsy: yn(&mut b, "medical.epilepsy"),
                bloodborne_infection: yn(&mut b, "medical.bloodborne_infection"),
                pregnant_or_breastfeeding: yn(&mut b, "medical.pregnant_or_breastfeeding"),
                isotretinoin_last_12_months: yn(&mut b, "medical.isotretinoin_last_12_months"),
                minoxidil: yn(&mut b, "medical.minoxidil"),
                chemo_or_radiotherapy: yn(&mut b, "medical.chemo_or_radiotherapy"),
                recent_sunburn: yn(&mut b, "medical.recent_sunburn"),
                medications: Build::text(&self.medications),
            },
            comfort: Comfort {
                pain_tolerance: b
                    .number("comfort.pain_tolerance", &self.pain_tolerance, true)
                    .unwrap_or(5),
                needle_anxiety: yn(&mut b, "comfort.needle_anxiety"),
                previous_tattoos: yn(&mut b, "comfort.previous_tattoos"),
                numbing_cream: yn(&mut b, "comfort.numbing_cream"),
            },
            lifestyle: Lifestyle {
                sun_exposure: b.choice(
                    "lifestyle.sun_exposure",
                    self.sun_exposure,
                    SunExposure::Moderate,
                ),
                swimming: yn(&mut b, "lifestyle.swimming"),
                sauna: yn(&mut b, "lifestyle.sauna"),
                heavy_exercise: yn(&mut b, "lifestyle.heavy_exercise"),
                scalp_type: b.choice("lifestyle.scalp_type", self.scalp_type, ScalpType::Normal),
                hair_style: b.choice("lifestyle.hair_style", self.hair_style, HairStyle::Shaved),
            },
            goals: Goals {
                hairline_style: b.choice(
                    "goals.hairline_style",
                    self.hairline_style,
                    HairlineStyle::Natural,
                ),
                density: b.choice("goals.density", self.density, Density::Medium),
                natural_hair_colour: Build::text(&self.natural_hair_colour),
                notes: Build::text(&self.notes),
            },
            consent: Consent {
                template_version: ctx.template.version.clone(),
                // In the template's order, so the stored list reads like the document.
                accepted: ctx
                    .template
                    .clauses
                    .iter()
                    .filter(|c| self.accepted.contains(&c.id))
                    .map(|c| c.id.clone())
                    .collect(),
                photo_marketing: self.photo_marketing,
            },
            signature: Signature {
                typed_name: self.typed_name.trim().to_string(),
                png_base64: self.png_base64.clone(),
                strokes: self.strokes.clone(),
            },
        };
        let mut errors = submission.check(ctx).err().unwrap_or_default();
        // A field that could not be read shows that, not the rule it then broke.
        for path in b.errors.0.keys() {
            errors.0.remove(path);
        }
        errors.merge(b.errors);
        (submission, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_are_plain_decimals() {
        let mut b = Build {
            errors: FieldErrors::default(),
        };
        for (typed, read) in [("2.5", 2.5), (" 2,5 ", 2.5), ("12", 12.0), (".5", 0.5)] {
            assert_eq!(b.decimal("x", typed, true), Some(read), "{typed}");
        }
        assert!(b.errors.0.is_empty());
        for bad in [
            "", "-1", "+1", "1e3", "inf", "NaN", "2.", "1.2.3", "0x10", "١٢",
        ] {
            let mut b = Build {
                errors: FieldErrors::default(),
            };
            assert_eq!(b.decimal("x", bad, true), None, "{bad}");
            assert!(b.errors.0.contains_key("x"), "{bad}");
        }
    }

    #[test]
    fn dates_are_read_in_the_api_form_only() {
        assert_eq!(iso_date("1986-04-12"), NaiveDate::from_ymd_opt(1986, 4, 12));
        assert_eq!(iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in [
            "",
            "1986-4-12",
            "12/04/1986",
            "1986-02-30",
            "+986-04-12",
            "1986-04-1x",
            "1986-04-120",
            "1986-13-01",
            "١٩٨٦-٠٤-١٢",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }
}
