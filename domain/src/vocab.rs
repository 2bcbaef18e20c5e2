//! The closed vocabularies of the v1 wire format (snake_case strings).
//! Extend only by adding values: stored submissions must keep parsing.

/// A closed vocabulary: wire names and the words a client reads.
pub trait Vocab: Copy + PartialEq + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn as_str(self) -> &'static str;
    fn label(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

/// A set of values stored in one text column: wire names, comma-separated.
pub fn join<V: Vocab>(values: &[V]) -> String {
    values
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The values of a column [`join`] wrote; unknown names are skipped.
pub fn split<V: Vocab>(column: &str) -> Vec<V> {
    column.split(',').filter_map(V::parse).collect()
}

/// Declares a vocabulary enum with its wire names and the words a client reads.
macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        // Written by hand rather than derived: the same JSON (the wire name
        // as a string) and the same errors, but every vocabulary shares one
        // string read instead of an enum visitor each, which the browser
        // bundle would carry.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let wire = <String as serde::Deserialize>::deserialize(d)?;
                Self::parse(&wire)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&wire, &[$($wire),+]))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name, as in the JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// What the client and staff read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::vocab::Vocab for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn as_str(self) -> &'static str { $name::as_str(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn parse(s: &str) -> Option<Self> { $name::parse(s) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        // In the OpenAPI document: a string with exactly these values.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// For the closed sets of the API (`crate::states`): one way to declare them.
pub(crate) use vocab;

vocab!(PreferredContact {
    Email = "email": "E-mail",
    Phone = "phone": "Phone call",
    Sms = "sms": "Text message",
});

vocab!(HairLossCause {
    Genetic = "genetic": "Genetic / pattern baldness",
    AlopeciaAreata = "alopecia_areata": "Alopecia areata",
    Autoimmune = "autoimmune": "Other autoimmune condition",
    Thyroid = "thyroid": "Thyroid disease",
    Hormonal = "hormonal": "Hormonal change",
    Anaemia = "anaemia": "Anaemia",
    CancerTreatment = "cancer_treatment": "Cancer treatment",
    Stress = "stress": "Stress",
    Other = "other": "Something else",
    Unknown = "unknown": "I don't know",
});

vocab!(HairLossArea {
    Hairline = "hairline": "Hairline",
    Temples = "temples": "Temples",
    Crown = "crown": "Crown",
    MidScalp = "mid_scalp": "Mid-scalp",
    Diffuse = "diffuse": "Diffuse thinning",
    FullScalp = "full_scalp": "Full scalp",
});

vocab!(ScarKind {
    Surgical = "surgical": "Surgical scar",
    FutStrip = "fut_strip": "FUT strip scar",
    FueDonor = "fue_donor": "FUE donor scars",
    Injury = "injury": "Injury",
    Other = "other": "Other",
});

vocab!(TransplantTechnique {
    Fue = "fue": "FUE",
    Fut = "fut": "FUT (strip)",
    Other = "other": "Other",
    Unknown = "unknown": "Not sure",
});

vocab!(TransplantOutcome {
    Satisfied = "satisfied": "Satisfied",
    Thin = "thin": "Thin result",
    Failed = "failed": "Failed",
    TooEarly = "too_early": "Too early to tell",
});

vocab!(Allergy {
    Pigment = "pigment": "Pigments or tattoo inks",
    Latex = "latex": "Latex",
    Anaesthetic = "anaesthetic": "Local anaesthetics (e.g. lidocaine)",
    Metal = "metal": "Metals",
    Other = "other": "Something else",
});

vocab!(SkinCondition {
    Psoriasis = "psoriasis": "Psoriasis",
    Eczema = "eczema": "Eczema",
    Dermatitis = "dermatitis": "Dermatitis",
    Folliculitis = "folliculitis": "Folliculitis",
    Infection = "infection": "Active infection",
    OpenWound = "open_wound": "Open wound",
    Other = "other": "Something else",
});

vocab!(SunExposure {
    Low = "low": "Low (mostly indoors)",
    Moderate = "moderate": "Moderate",
    High = "high": "High (outdoor work or sport)",
});

vocab!(ScalpType {
    Normal = "normal": "Normal",
    Oily = "oily": "Oily",
    Dry = "dry": "Dry",
});

vocab!(HairStyle {
    Shaved = "shaved": "Shaved",
    Buzzed = "buzzed": "Buzzed",
    Short = "short": "Short",
    Longer = "longer": "Longer",
});

vocab!(HairlineStyle {
    Sharp = "sharp": "Sharp, defined",
    Soft = "soft": "Soft",
    Natural = "natural": "Natural / broken",
    Receded = "receded": "Receded (mature)",
});

vocab!(Density {
    Light = "light": "Light",
    Medium = "medium": "Medium",
    Full = "full": "Full",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde() {
        for c in HairLossCause::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(HairLossCause::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::from_str::<HairLossCause>(&json).unwrap(), *c);
        }
        let err = serde_json::from_str::<ScarKind>("\"tattoo\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown variant `tattoo`, expected one of `surgical`, "),
            "{err}"
        );
        assert!(serde_json::from_str::<ScarKind>("3").is_err());
        assert!(serde_json::from_str::<ScarKind>("null").is_err());
    }
}
