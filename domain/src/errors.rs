//! Field errors keyed by their JSON path (`client.email`, `scars[0].size_cm`),
//! the shape the API returns with 422 and the wizard shows next to fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use validator::{ValidationErrors, ValidationErrorsKind};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a message to a path (once; at most a few per path, which keeps
    /// an answer small whatever the request held).
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        const MAX_PER_PATH: usize = 5;
        let list = self.0.entry(path.into()).or_default();
        let message = message.into();
        if list.len() < MAX_PER_PATH && !list.contains(&message) {
            list.push(message);
        }
    }

    pub fn get(&self, path: &str) -> Option<&[String]> {
        self.0.get(path).map(Vec::as_slice)
    }

    /// First message for a path, for showing beside a field.
    pub fn first(&self, path: &str) -> Option<String> {
        self.0.get(path).and_then(|v| v.first().cloned())
    }

    pub fn merge(&mut self, other: FieldErrors) {
        for (path, messages) in other.0 {
            for m in messages {
                self.add(path.clone(), m);
            }
        }
    }

    /// Keeps only errors at or under `prefix` (one wizard step's fields).
    pub fn under(&self, prefixes: &[&str]) -> FieldErrors {
        FieldErrors(
            self.0
                .iter()
                .filter(|(p, _)| {
                    prefixes.iter().any(|pre| {
                        p.as_str() == *pre
                            || p.starts_with(&format!("{pre}."))
                            || p.starts_with(&format!("{pre}["))
                    })
                })
                .map(|(p, m)| (p.clone(), m.clone()))
                .collect(),
        )
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<&ValidationErrors> for FieldErrors {
    fn from(errors: &ValidationErrors) -> Self {
        let mut out = FieldErrors::default();
        collect(errors, "", &mut out);
        out
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut FieldErrors) {
    for (field, kind) in errors.errors() {
        // `__all__` holds struct-level (schema) errors: they belong to the struct's path.
        let path = if field == "__all__" {
            prefix.to_string()
        } else {
            join(prefix, field)
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("is not valid ({})", e.code));
                    out.add(path.clone(), message);
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}
