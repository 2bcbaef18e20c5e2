//! Every question of the intake, written once: where its answer sits in a
//! submission and the words the client reads. The wizard asks with these
//! words, and the review page, the consent PDF and the staff's view of a
//! submission show each answer beside the same words.

/// One question: the JSON path of its answer and its wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    pub path: &'static str,
    pub label: &'static str,
}

macro_rules! questions {
    ($($name:ident = $path:literal : $label:literal;)+) => {
        $(pub const $name: Question = Question { path: $path, label: $label };)+
        /// Every question, in the order the wizard asks them.
        pub const ALL: &[Question] = &[$($name),+];
    };
}

questions! {
    FULL_NAME = "client.full_name": "Full name";
    DATE_OF_BIRTH = "client.date_of_birth": "Date of birth";
    EMAIL = "client.email": "E-mail";
    PHONE = "client.phone": "Mobile phone";
    PREFERRED_CONTACT = "client.preferred_contact": "How should the clinic contact you?";
    PREFERRED_DATE = "appointment.preferred_date": "Preferred appointment date";
    CAUSES = "hair_loss.causes": "What caused your hair loss?";
    CAUSE_OTHER = "hair_loss.cause_other": "What is the other cause?";
    YEARS = "hair_loss.years": "For how many years?";
    PROGRESSING = "hair_loss.progressing": "Is it still getting worse?";
    AREAS = "hair_loss.areas": "Which areas are affected?";
    HAIR_PATTERN = "hair_loss.pattern": "Which pattern describes it best?";
    NORWOOD_STAGE = "hair_loss.norwood_stage": "Norwood stage";
    LUDWIG_STAGE = "hair_loss.ludwig_stage": "Ludwig stage";
    HAS_SCARS = "has_scars": "Do you have scars on your scalp?";
    SCAR_KIND = "scars[].kind": "Kind of scar";
    SCAR_LOCATION = "scars[].location": "Where is it?";
    SCAR_SIZE = "scars[].size_cm": "Roughly how long, in cm?";
    SCAR_AGE = "scars[].age_months": "How old is it, in months?";
    SCAR_CAMOUFLAGE = "scars[].camouflage_wanted": "Would you like it camouflaged?";
    HAS_TRANSPLANTS = "has_transplants": "Have you had a hair transplant?";
    TRANSPLANT_TECHNIQUE = "transplants[].technique": "Technique";
    TRANSPLANT_YEAR = "transplants[].year": "Year";
    TRANSPLANT_GRAFTS = "transplants[].grafts": "Number of grafts, if known";
    TRANSPLANT_OUTCOME = "transplants[].outcome": "How did it turn out?";
    ALLERGIES = "medical.allergies": "Are you allergic to any of these?";
    ALLERGY_DETAILS = "medical.allergy_details": "What do you react to, and how?";
    SKIN_CONDITIONS = "medical.skin_conditions": "Do you have any of these on your scalp?";
    SKIN_CONDITION_OTHER = "medical.skin_condition_other": "What is the other condition?";
    KELOID_TENDENCY = "medical.keloid_tendency": "Do you tend to form raised (keloid or hypertrophic) scars?";
    BLOOD_THINNERS = "medical.blood_thinners": "Do you take blood thinners, or have a bleeding disorder?";
    DIABETES = "medical.diabetes": "Do you have diabetes?";
    IMMUNE_SUPPRESSED = "medical.immune_suppressed": "Is your immune system suppressed (condition or medicine)?";
    HEART_CONDITION = "medical.heart_condition": "Do you have a heart condition or a pacemaker?";
    EPILEPSY = "medical.epilepsy": "Do you have epilepsy?";
    BLOODBORNE_INFECTION = "medical.bloodborne_infection": "Do you have a blood-borne infection (e.g. hepatitis B or C, HIV)?";
    PREGNANT_OR_BREASTFEEDING = "medical.pregnant_or_breastfeeding": "Are you pregnant or breastfeeding?";
    ISOTRETINOIN = "medical.isotretinoin_last_12_months": "Have you taken isotretinoin (e.g. Roaccutane) in the last 12 months?";
    MINOXIDIL = "medical.minoxidil": "Do you use minoxidil or another treatment on your scalp?";
    CHEMO_OR_RADIOTHERAPY = "medical.chemo_or_radiotherapy": "Are you having chemotherapy or radiotherapy?";
    RECENT_SUNBURN = "medical.recent_sunburn": "Is your scalp sunburnt, or was it in the last 2 weeks?";
    MEDICATIONS = "medical.medications": "Medicines you take";
    PAIN_TOLERANCE = "comfort.pain_tolerance": "How sensitive are you to pain?";
    NEEDLE_ANXIETY = "comfort.needle_anxiety": "Are you anxious about needles?";
    PREVIOUS_TATTOOS = "comfort.previous_tattoos": "Have you had tattoos before?";
    NUMBING_CREAM = "comfort.numbing_cream": "Would you like numbing cream?";
    SUN_EXPOSURE = "lifestyle.sun_exposure": "How much sun does your scalp get?";
    SWIMMING = "lifestyle.swimming": "Do you swim regularly?";
    SAUNA = "lifestyle.sauna": "Do you use a sauna or steam room?";
    HEAVY_EXERCISE = "lifestyle.heavy_exercise": "Do you exercise hard or sweat a lot?";
    SCALP_TYPE = "lifestyle.scalp_type": "Your scalp is usually";
    HAIR_STYLE = "lifestyle.hair_style": "How do you keep your hair?";
    HAIRLINE_STYLE = "goals.hairline_style": "Hairline you would like";
    DENSITY = "goals.density": "Density you would like";
    NATURAL_HAIR_COLOUR = "goals.natural_hair_colour": "Your natural hair colour";
    GOAL_NOTES = "goals.notes": "Anything else about the look you want?";
    TYPED_NAME = "signature.typed_name": "Type your full name";
}

/// The medical screening's yes/no questions: the answers the flags read.
pub const MEDICAL_YES_NO: &[Question] = &[
    KELOID_TENDENCY,
    BLOOD_THINNERS,
    DIABETES,
    IMMUNE_SUPPRESSED,
    HEART_CONDITION,
    EPILEPSY,
    BLOODBORNE_INFECTION,
    PREGNANT_OR_BREASTFEEDING,
    ISOTRETINOIN,
    MINOXIDIL,
    CHEMO_OR_RADIOTHERAPY,
    RECENT_SUNBURN,
];

pub const COMFORT_YES_NO: &[Question] = &[NEEDLE_ANXIETY, PREVIOUS_TATTOOS, NUMBING_CREAM];

pub const LIFESTYLE_YES_NO: &[Question] = &[SWIMMING, SAUNA, HEAVY_EXERCISE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_words_are_each_used_once() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.path, b.path);
                assert_ne!(a.label, b.label, "{} and {}", a.path, b.path);
            }
        }
        for q in MEDICAL_YES_NO
            .iter()
            .chain(COMFORT_YES_NO)
            .chain(LIFESTYLE_YES_NO)
        {
            assert!(ALL.contains(q));
        }
    }
}
