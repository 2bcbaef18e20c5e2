//! Consent templates: the shipped default, an optional clinic file, and every
//! version ever served, kept in the database so old signatures stay readable.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, RwLock},
};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use sha2::{Digest, Sha256};
use stipple_app::domain::ConsentTemplate;

use crate::entities::{consent_in_force as history, consent_template as entity};

const DEFAULT_TEMPLATE: &str = include_str!("../templates/consent-default-v1.toml");

pub fn default_template() -> ConsentTemplate {
    parse_toml(DEFAULT_TEMPLATE).expect("the shipped template is valid")
}

pub fn parse_toml(text: &str) -> anyhow::Result<ConsentTemplate> {
    let mut t: ConsentTemplate = toml::from_str(text).context("not a valid consent template")?;
    for c in &mut t.clauses {
        c.text = c.text.trim().to_string();
        c.title = c.title.trim().to_string();
    }
    t.check().map_err(|e| anyhow::anyhow!(e))?;
    Ok(t)
}

fn digest(t: &ConsentTemplate) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(t).expect("templates serialise"),
    ))
}

/// The template served to new clients, and a cache of every known version.
pub struct Templates {
    current: Arc<ConsentTemplate>,
    /// The version in force before the current one, and until when it may
    /// still be signed (an intake filled offline before the change).
    previous: Option<(String, DateTime<Utc>)>,
    known: RwLock<HashMap<String, Arc<ConsentTemplate>>>,
}

/// Whether a submission may be signed under a version.
pub enum Signable {
    Yes(Arc<ConsentTemplate>),
    /// Known, but replaced: the client must read the current text.
    Replaced,
    Unknown,
}

impl Templates {
    /// Registers the default and the clinic's template (if any) and makes the
    /// latter current. Refuses to start when a known version's text changed.
    pub async fn load(
        db: &DatabaseConnection,
        clinic_file: Option<&Path>,
        grace_days: u32,
    ) -> anyhow::Result<Self> {
        let default = default_template();
        register(db, &default).await?;
        let current = match clinic_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("STIPPLE_CONSENT_TEMPLATE: cannot read {}", path.display())
                })?;
                let t = parse_toml(&text)
                    .with_context(|| format!("STIPPLE_CONSENT_TEMPLATE: {}", path.display()))?;
                register(db, &t).await?;
                t
            }
            None => default.clone(),
        };
        let previous = in_force(db, &current.version)
            .await?
            .map(|(version, replaced_at)| {
                (
                    version,
                    replaced_at + chrono::Duration::days(grace_days.into()),
                )
            });
        let mut known = HashMap::new();
        known.insert(default.version.clone(), Arc::new(default));
        let current = Arc::new(current);
        known.insert(current.version.clone(), current.clone());
        Ok(Self {
            current,
            previous,
            known: RwLock::new(known),
        })
    }

    pub fn current(&self) -> Arc<ConsentTemplate> {
        self.current.clone()
    }

    /// Only the current version may be signed, and the one before it until
    /// its grace period ends.
    pub async fn signable(
        &self,
        db: &DatabaseConnection,
        version: &str,
        now: DateTime<Utc>,
    ) -> Result<Signable, sea_orm::DbErr> {
        if version == self.current.version {
            return Ok(Signable::Yes(self.current.clone()));
        }
        let in_grace = self
            .previous
            .as_ref()
            .is_some_and(|(v, until)| v == version && now < *until);
        Ok(match self.get(db, version).await? {
            Some(t) if in_grace => Signable::Yes(t),
            Some(_) => Signable::Replaced,
            None => Signable::Unknown,
        })
    }

    /// A version by name: from memory, else from the database (another
    /// server sharing the database may have registered it).
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        version: &str,
    ) -> Result<Option<Arc<ConsentTemplate>>, sea_orm::DbErr> {
        if let Some(t) = self.known.read().expect("template cache lock").get(version) {
            return Ok(Some(t.clone()));
        }
        let Some(row) = entity::Entity::find_by_id(version.to_string())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let Ok(t) = serde_json::from_value::<ConsentTemplate>(row.content) else {
            return Ok(None);
        };
        let t = Arc::new(t);
        self.known
            .write()
            .expect("template cache lock")
            .insert(version.to_string(), t.clone());
        Ok(Some(t))
    }
}

/// Records `current` as the version in force (unless it already is) and
/// returns the one in force before it, with when it was replaced.
async fn in_force(
    db: &DatabaseConnection,
    current: &str,
) -> Result<Option<(String, DateTime<Utc>)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let latest = history::Entity::find()
        .order_by_desc(history::Column::Id)
        .one(db)
        .await?;
    if latest.as_ref().is_none_or(|l| l.version != current) {
        history::Entity::insert(history::ActiveModel {
            version: Set(current.to_string()),
            since: Set(Utc::now()),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    // The newest stretch of `current` began with its earliest row after the
    // last other version; that other version is the previous one.
    let before = history::Entity::find()
        .filter(history::Column::Version.ne(current))
        .order_by_desc(history::Column::Id)
        .one(db)
        .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let replaced = history::Entity::find()
        .filter(history::Column::Id.gt(before.id))
        .order_by_asc(history::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    Ok(replaced.map(|r| (before.version, r.since)))
}

async fn register(db: &DatabaseConnection, t: &ConsentTemplate) -> anyhow::Result<()> {
    let sha = digest(t);
    let existing = entity::Entity::find_by_id(t.version.clone())
        .one(db)
        .await?;
    match existing {
        Some(row) if row.sha256 == sha => Ok(()),
        Some(_) => bail!(
            "consent template `{}` has different text from the one already signed under that version; \
             give the edited template a new `version`",
            t.version
        ),
        None => {
            let row = entity::ActiveModel {
                version: Set(t.version.clone()),
                content: Set(serde_json::to_value(t)?),
                sha256: Set(sha),
                created_at: Set(Utc::now()),
            };
            // Another server may register the same version at the same moment.
            if let Err(e) = entity::Entity::insert(row).exec(db).await {
                let again = entity::Entity::find_by_id(t.version.clone()).one(db).await?;
                if again.is_none() {
                    return Err(e.into());
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template_has_the_v1_clauses_in_order() {
        let t = default_template();
        assert_eq!(t.version, "default-v1");
        let ids: Vec<_> = t.clauses.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "procedure",
                "no_regrowth",
                "multiple_sessions",
                "results_vary",
                "healing",
                "risks",
                "medical_truth",
                "aftercare",
                "fees",
                "photo_records",
                "electronic_signature"
            ]
        );
        assert!(t.clauses.iter().all(|c| c.required));
    }

    #[test]
    fn shipped_text_never_promises_regrowth() {
        let t = default_template();
        let all = serde_json::to_string(&t).unwrap().to_lowercase();
        assert!(!all.contains("regrows hair"));
        assert!(!all.contains("permanent"));
        assert!(t
            .clause("no_regrowth")
            .unwrap()
            .text
            .contains("does not regrow hair"));
    }
}
