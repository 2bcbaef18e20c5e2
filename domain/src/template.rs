//! The consent template a client reads and signs. A version's text never
//! changes; an edited template is a new version.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentTemplate {
    pub version: String,
    pub clinic_name: String,
    pub clauses: Vec<Clause>,
    /// Aftercare summary, one instruction per item.
    pub aftercare: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clause {
    pub id: String,
    pub title: String,
    pub text: String,
    pub required: bool,
}

impl ConsentTemplate {
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// Checks the template itself (a clinic edits it by hand).
    pub fn check(&self) -> Result<(), String> {
        let version_ok = !self.version.is_empty()
            && self.version.len() <= 64
            && self
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !version_ok {
            return Err("version must be 1–64 letters, digits, '-', '_' or '.'".into());
        }
        if self.clinic_name.trim().is_empty() {
            return Err("clinic_name is empty".into());
        }
        if self.clauses.is_empty() {
            return Err("there are no clauses".into());
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.clauses {
            if c.id.is_empty() || !c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') {
                return Err(format!(
                    "clause id `{}` must be lowercase letters and '_'",
                    c.id
                ));
            }
            if !seen.insert(c.id.as_str()) {
                return Err(format!("clause id `{}` appears twice", c.id));
            }
            if c.title.trim().is_empty() || c.text.trim().is_empty() {
                return Err(format!("clause `{}` needs a title and a text", c.id));
            }
        }
        Ok(())
    }
}
