//! Contraindication flags: what a practitioner must look at before treating,
//! computed from the answers by one set of rules. A `stop` flag means the
//! procedure should not go ahead until it is resolved (or a practitioner
//! records why it may); `review` means it needs a conversation or care.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    submission::{age_on, Submission, MIN_AGE_YEARS},
    vocab::{Allergy, SkinCondition},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Stop,
    Review,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Stop => "stop",
            Severity::Review => "review",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    pub code: String,
    pub severity: Severity,
    pub reason: String,
}

/// Scars younger than this have not settled enough to pigment.
pub const MIN_SCAR_AGE_MONTHS: u16 = 6;

/// The flags raised by a submission, `stop` flags first. `today` is the
/// clinic's date, for the client's age.
pub fn flags(s: &Submission, today: NaiveDate) -> Vec<Flag> {
    let m = &s.medical;
    let mut out = Vec::new();
    let mut raise = |code: &str, severity: Severity, reason: String| {
        out.push(Flag {
            code: code.to_string(),
            severity,
            reason,
        });
    };
    use Severity::{Review, Stop};

    if age_on(s.client.date_of_birth, today) < MIN_AGE_YEARS as i32 {
        raise(
            "under_18",
            Stop,
            "The client is under 18 and cannot consent to the procedure.".into(),
        );
    }
    if m.keloid_tendency {
        raise(
            "keloid_tendency",
            Stop,
            "Tends to keloid or hypertrophic scarring: needle work can raise new scars.".into(),
        );
    }
    if m.blood_thinners {
        raise(
            "bleeding_risk",
            Review,
            "Takes blood thinners or has a bleeding disorder: more bleeding, poorer pigment retention; check with their doctor.".into(),
        );
    }
    if m.pregnant_or_breastfeeding {
        raise(
            "pregnancy",
            Stop,
            "Pregnant or breastfeeding: postpone treatment.".into(),
        );
    }
    if m.isotretinoin_last_12_months {
        raise(
            "isotretinoin",
            Stop,
            "Took isotretinoin in the last 12 months: the skin may be fragile and heal poorly."
                .into(),
        );
    }
    let conditions = &m.skin_conditions;
    let urgent: Vec<&str> = conditions
        .iter()
        .filter(|c| matches!(c, SkinCondition::Infection | SkinCondition::OpenWound))
        .map(|c| c.label())
        .collect();
    if !urgent.is_empty() {
        raise(
            "scalp_infection_or_wound",
            Stop,
            format!(
                "{} on the scalp: wait until fully healed.",
                urgent.join(" and ")
            ),
        );
    }
    let other: Vec<&str> = conditions
        .iter()
        .filter(|c| !matches!(c, SkinCondition::Infection | SkinCondition::OpenWound))
        .map(|c| c.label())
        .collect();
    if !other.is_empty() {
        raise(
            "scalp_condition",
            Review,
            format!(
                "Scalp condition ({}): treat only areas free of flare-ups.",
                other.join(", ").to_lowercase()
            ),
        );
    }
    if m.recent_sunburn {
        raise(
            "recent_sunburn",
            Stop,
            "Recent sunburn on the scalp: wait until the skin has recovered.".into(),
        );
    }
    if m.chemo_or_radiotherapy {
        raise(
            "chemo_or_radiotherapy",
            Stop,
            "Chemotherapy or radiotherapy in progress: postpone until treatment ends and the doctor agrees.".into(),
        );
    }
    if m.immune_suppressed {
        raise(
            "immune_suppression",
            Review,
            "Immune suppression: higher infection risk and slower healing.".into(),
        );
    }
    if m.allergies.contains(&Allergy::Anaesthetic) {
        let reason = if s.comfort.numbing_cream {
            "Allergic to local anaesthetics but asked for numbing cream: do not use it."
        } else {
            "Allergic to local anaesthetics: no numbing cream."
        };
        raise("anaesthetic_allergy", Stop, reason.into());
    }
    if m.allergies.contains(&Allergy::Pigment) {
        raise(
            "pigment_allergy",
            Review,
            "Reacted to pigments or tattoo inks before: consider a patch test.".into(),
        );
    }
    // Scars by their number in the list, not the client's own words: flags
    // are stored in clear beside the sealed answers, so they repeat no
    // free text.
    let young: Vec<String> = s
        .scars
        .iter()
        .enumerate()
        .filter(|(_, scar)| scar.age_months < MIN_SCAR_AGE_MONTHS)
        .map(|(i, scar)| format!("scar {} ({} months)", i + 1, scar.age_months))
        .collect();
    if !young.is_empty() {
        raise(
            "young_scar",
            Stop,
            format!(
                "Scar younger than {MIN_SCAR_AGE_MONTHS} months: {}. Pigment only settled scars.",
                young.join("; ")
            ),
        );
    }
    if m.bloodborne_infection {
        raise(
            "bloodborne_infection",
            Review,
            "Blood-borne infection: plan infection-control precautions.".into(),
        );
    }
    if m.heart_condition {
        raise(
            "heart_condition",
            Review,
            "Heart condition or pacemaker: check with their doctor before treatment.".into(),
        );
    }
    if m.epilepsy {
        raise(
            "epilepsy",
            Review,
            "Epilepsy: plan breaks and know what to do in a seizure.".into(),
        );
    }
    if m.diabetes {
        raise(
            "diabetes",
            Review,
            "Diabetes: slower healing and higher infection risk.".into(),
        );
    }
    out.sort_by_key(|f| f.severity);
    out
}

/// The most severe flag's severity, if any.
pub fn worst(flags: &[Flag]) -> Option<Severity> {
    flags.iter().map(|f| f.severity).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{vocab::ScarKind, Scar};

    fn fixture() -> Submission {
        let text = include_str!("../../tests/fixtures/intake-v1.json");
        serde_json::from_str(text).unwrap()
    }

    fn clean() -> Submission {
        let mut s = fixture();
        let m = &mut s.medical;
        m.allergies.clear();
        m.skin_conditions.clear();
        m.keloid_tendency = false;
        m.blood_thinners = false;
        m.diabetes = false;
        m.immune_suppressed = false;
        m.heart_condition = false;
        m.epilepsy = false;
        m.bloodborne_infection = false;
        m.pregnant_or_breastfeeding = false;
        m.isotretinoin_last_12_months = false;
        m.chemo_or_radiotherapy = false;
        m.recent_sunburn = false;
        s.scars.clear();
        s
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    /// The single flag `edit` raises on an otherwise clean submission.
    fn only(edit: impl FnOnce(&mut Submission)) -> Flag {
        let mut s = clean();
        edit(&mut s);
        let mut found = flags(&s, today());
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
    }

    #[test]
    fn clean_answers_raise_nothing() {
        assert!(flags(&clean(), today()).is_empty());
    }

    #[test]
    fn each_boolean_answer_raises_its_flag() {
        type Edit = fn(&mut Submission);
        let cases: &[(&str, Severity, Edit)] = &[
            ("keloid_tendency", Severity::Stop, |s| {
                s.medical.keloid_tendency = true
            }),
            ("bleeding_risk", Severity::Review, |s| {
                s.medical.blood_thinners = true
            }),
            ("pregnancy", Severity::Stop, |s| {
                s.medical.pregnant_or_breastfeeding = true
            }),
            ("isotretinoin", Severity::Stop, |s| {
                s.medical.isotretinoin_last_12_months = true
            }),
            ("recent_sunburn", Severity::Stop, |s| {
                s.medical.recent_sunburn = true
            }),
            ("chemo_or_radiotherapy", Severity::Stop, |s| {
                s.medical.chemo_or_radiotherapy = true
            }),
            ("immune_suppression", Severity::Review, |s| {
                s.medical.immune_suppressed = true
            }),
            ("bloodborne_infection", Severity::Review, |s| {
                s.medical.bloodborne_infection = true
            }),
            ("heart_condition", Severity::Review, |s| {
                s.medical.heart_condition = true
            }),
            ("epilepsy", Severity::Review, |s| s.medical.epilepsy = true),
            ("diabetes", Severity::Review, |s| s.medical.diabetes = true),
        ];
        for (code, severity, edit) in cases {
            let f = only(edit);
            assert_eq!((f.code.as_str(), f.severity), (*code, *severity));
            assert!(!f.reason.is_empty());
        }
    }

    #[test]
    fn infection_or_open_wound_stops_other_conditions_need_review() {
        let f = only(|s| s.medical.skin_conditions = vec![SkinCondition::OpenWound]);
        assert_eq!(f.code, "scalp_infection_or_wound");
        assert_eq!(f.severity, Severity::Stop);
        assert!(f.reason.contains("Open wound"), "{}", f.reason);
        let f = only(|s| s.medical.skin_conditions = vec![SkinCondition::Infection]);
        assert_eq!(f.code, "scalp_infection_or_wound");
        let f = only(|s| {
            s.medical.skin_conditions = vec![SkinCondition::Psoriasis, SkinCondition::Eczema]
        });
        assert_eq!(f.code, "scalp_condition");
        assert_eq!(f.severity, Severity::Review);
        assert!(f.reason.contains("psoriasis, eczema"), "{}", f.reason);
    }

    #[test]
    fn anaesthetic_allergy_stops_and_mentions_a_numbing_cream_request() {
        let f = only(|s| {
            s.medical.allergies = vec![Allergy::Anaesthetic];
            s.comfort.numbing_cream = true;
        });
        assert_eq!(
            (f.code.as_str(), f.severity),
            ("anaesthetic_allergy", Severity::Stop)
        );
        assert!(f.reason.contains("asked for numbing cream"));
        let f = only(|s| {
            s.medical.allergies = vec![Allergy::Anaesthetic];
            s.comfort.numbing_cream = false;
        });
        assert!(!f.reason.contains("asked for"));
        let f = only(|s| s.medical.allergies = vec![Allergy::Pigment]);
        assert_eq!(f.code, "pigment_allergy");
        // Latex and metals are handled by the kit, not a contraindication.
        let mut s = clean();
        s.medical.allergies = vec![Allergy::Latex, Allergy::Metal];
        assert!(flags(&s, today()).is_empty());
    }

    #[test]
    fn scars_younger_than_six_months_stop() {
        let scar = |age| Scar {
            kind: ScarKind::FueDonor,
            location: "Crown".into(),
            size_cm: 2.0,
            age_months: age,
            camouflage_wanted: true,
        };
        let f = only(|s| s.scars = vec![scar(5), scar(30)]);
        assert_eq!(
            (f.code.as_str(), f.severity),
            ("young_scar", Severity::Stop)
        );
        assert!(f.reason.contains("scar 1 (5 months)"), "{}", f.reason);
        assert!(!f.reason.contains("Crown"), "no free text: {}", f.reason);
        let mut s = clean();
        s.scars = vec![scar(6)];
        assert!(flags(&s, today()).is_empty());
    }

    #[test]
    fn under_18_on_the_clinic_date_stops() {
        let f = only(|s| s.client.date_of_birth = NaiveDate::from_ymd_opt(2008, 11, 22).unwrap());
        assert_eq!((f.code.as_str(), f.severity), ("under_18", Severity::Stop));
        let mut s = clean();
        s.client.date_of_birth = NaiveDate::from_ymd_opt(2008, 11, 21).unwrap();
        assert!(flags(&s, today()).is_empty());
    }

    #[test]
    fn stop_flags_come_first() {
        let mut s = clean();
        s.medical.diabetes = true;
        s.medical.keloid_tendency = true;
        let found = flags(&s, today());
        assert_eq!(found[0].severity, Severity::Stop);
        assert_eq!(worst(&found), Some(Severity::Stop));
        assert_eq!(worst(&[]), None);
    }
}
