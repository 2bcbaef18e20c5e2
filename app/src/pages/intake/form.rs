//! The wizard's shared state, and the keys it keeps on the phone under.

use leptos::prelude::*;

use super::{draft::Draft, fields, Step};
use crate::{
    browser::{self, Receipt},
    domain::{CheckContext, ConsentTemplate, FieldErrors},
};

pub(super) const DRAFT_KEY: &str = "stipple.intake.draft";
pub(super) const RECEIPT_KEY: &str = "stipple.intake.receipt";
/// When the receipt was kept (ms): it is forgotten after a day, so a shared
/// phone does not keep opening someone's signed consent.
pub(super) const RECEIPT_TIME_KEY: &str = "stipple.intake.receipt_at";
pub(super) const RECEIPT_KEEP_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// Shared state of the wizard, handed to every step through context.
#[derive(Clone, Copy)]
pub struct FormCtx {
    pub draft: RwSignal<Draft>,
    /// Errors on screen: those of fields the client has left, or of the
    /// step they tried to leave.
    pub shown: RwSignal<FieldErrors>,
    pub template: RwSignal<Option<ConsentTemplate>>,
    pub receipt: RwSignal<Option<Receipt>>,
    /// Why the last send did not go through, shown on the Review page.
    pub send_error: RwSignal<Option<String>>,
    pub kiosk: bool,
    /// Field paths with their labels, in the order the fields were drawn:
    /// the error summary lists problems in form order and names the field.
    pub labels: StoredValue<Vec<(String, String)>>,
    pub(super) template_loading: StoredValue<bool>,
}

impl FormCtx {
    /// Every problem with the current answers, by the shared rules.
    pub fn all_errors(&self) -> FieldErrors {
        let fallback = ConsentTemplate {
            version: String::new(),
            clinic_name: String::new(),
            clauses: Vec::new(),
            aftercare: Vec::new(),
        };
        let today = browser::today();
        self.template.with_untracked(|t| {
            let ctx = CheckContext {
                today,
                template: t.as_ref().unwrap_or(&fallback),
            };
            self.draft.with_untracked(|d| d.check(&ctx).1)
        })
    }

    pub fn register(&self, path: &str, label: &str) {
        self.labels.update_value(|l| {
            if !l.iter().any(|(p, _)| p == path) {
                l.push((path.to_string(), label.to_string()));
            }
        });
    }

    /// The shown errors in form order, each with its field's label.
    pub fn summary(&self) -> Vec<(String, String)> {
        let labels = self.labels.get_value();
        let mut items: Vec<(usize, String, String)> = self.shown.with(|e| {
            e.0.iter()
                .map(|(path, msgs)| {
                    let msg = msgs.first().cloned().unwrap_or_default();
                    match labels.iter().position(|(p, _)| p == path) {
                        Some(i) => (i, path.clone(), format!("{}: {msg}", labels[i].1)),
                        None => (usize::MAX, path.clone(), msg),
                    }
                })
                .collect()
        });
        items.sort_by_key(|(i, _, _)| *i);
        items
            .into_iter()
            .map(|(_, path, msg)| (path, msg))
            .collect()
    }

    /// Shows (or clears) the error of one field, e.g. when it loses focus.
    pub fn touch(&self, path: &str) {
        let all = self.all_errors();
        self.shown.update(|s| {
            s.0.remove(path);
            if let Some(m) = all.get(path) {
                s.0.insert(path.to_string(), m.to_vec());
            }
        });
    }

    /// While an error is shown, keep it current as the client types.
    pub fn revalidate_if_shown(&self, path: &str) {
        if self.shown.with_untracked(|s| s.get(path).is_some()) {
            self.touch(path);
        }
    }

    pub fn go(&self, step: Step) {
        self.shown.set(FieldErrors::default());
        self.draft.update(|d| d.step = step);
        browser::scroll_top();
        browser::focus("step-title");
    }

    /// Checks the current step; shows its errors and moves focus to the first.
    pub fn check_step(&self, step: Step) -> bool {
        let errors = self.all_errors().under(step.paths());
        let ok = errors.is_empty();
        self.show(errors);
        ok
    }

    /// Shows errors (the summary is announced) and focuses the first field.
    pub fn show(&self, errors: FieldErrors) {
        self.shown.set(errors);
        if let Some((path, _)) = self.summary().first() {
            browser::focus(&fields::field_id(path));
        }
    }

    /// Fetches the consent template unless it is here or on its way; called
    /// again wherever it is needed, so a failed fetch is retried.
    pub fn ensure_template(&self) {
        if self.template.with_untracked(Option::is_some) || self.template_loading.get_value() {
            return;
        }
        self.template_loading.set_value(true);
        let ctx = *self;
        leptos::task::spawn_local(async move {
            if let Ok(t) = browser::get_json::<ConsentTemplate>("/api/v1/consent-template").await {
                ctx.template.set(Some(t));
            }
            ctx.template_loading.set_value(false);
        });
    }

    /// Forgets this client: a fresh draft (kiosk, or after submitting).
    pub fn reset(&self) {
        // A kiosk reloads: the page load clears what the browser kept
        // (`hydrate.js`), memory included.
        if self.kiosk {
            browser::navigate("");
            return;
        }
        browser::remove(DRAFT_KEY);
        browser::remove(RECEIPT_KEY);
        browser::remove(RECEIPT_TIME_KEY);
        self.receipt.set(None);
        self.shown.set(FieldErrors::default());
        self.draft.set(Draft {
            id: browser::new_id(),
            ..Draft::default()
        });
    }
}
