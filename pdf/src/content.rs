//! The input with every string cleaned for the page.
//!
//! All strings pass through one [`Cleaner`] here, before anything is laid out,
//! so that the list of fields that needed placeholder characters is complete
//! by the time the audit page (the last thing drawn) reports it.

use super::fonts::Fonts;
use super::text::Cleaner;
use super::ConsentPdfInput;

/// A heading with question/answer rows.
pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) rows: Vec<(String, String)>,
}

pub(crate) struct Clause {
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) accepted: bool,
}

pub(crate) struct Content {
    pub(crate) clinic_name: String,
    /// Label and value: name, date of birth, e-mail, phone.
    pub(crate) client: Vec<(String, String)>,
    pub(crate) sections: Vec<Section>,
    pub(crate) clauses: Vec<Clause>,
    pub(crate) photo_marketing: bool,
    pub(crate) typed_name: String,
    pub(crate) signed_local: String,
    pub(crate) signed_utc: String,
    /// Label and value of the audit facts (submission id, hash, IP, ...).
    pub(crate) audit: Vec<(String, String)>,
    /// Label and time of each recorded event.
    pub(crate) events: Vec<(String, String)>,
    /// Fields in which characters were replaced by the placeholder.
    pub(crate) replaced_fields: Vec<String>,
}

impl Content {
    pub(crate) fn from_input(input: &ConsentPdfInput, fonts: &Fonts) -> Self {
        let mut cleaner = Cleaner::new(fonts);

        let clinic_name = cleaner.line("Clinic name", &input.clinic_name);
        let client: Vec<(String, String)> = input
            .client
            .iter()
            .map(|(q, a)| {
                let label = cleaner.line("Client details", q);
                let value = cleaner.line(&label, a);
                (label, value)
            })
            .collect();

        let mut sections = Vec::with_capacity(input.sections.len());
        for (index, section) in input.sections.iter().enumerate() {
            let number = index + 1;
            let mut title = cleaner.line(&format!("Section {number} title"), &section.title);
            if title.is_empty() {
                title = format!("Section {number}");
            }
            let short_title = abridged(&title);
            let mut rows = Vec::with_capacity(section.rows.len());
            for (row, (question, answer)) in section.rows.iter().enumerate() {
                let field = format!("{short_title} › question {}", row + 1);
                let question = cleaner.text(&field, question);
                let field = format!("{short_title} › {}", abridged(&question));
                let answer = cleaner.text(&field, answer);
                rows.push((question, answer));
            }
            sections.push(Section { title, rows });
        }

        let mut clauses = Vec::with_capacity(input.clauses.len());
        for (index, clause) in input.clauses.iter().enumerate() {
            let number = index + 1;
            let mut title = cleaner.line(&format!("Consent clause {number} title"), &clause.title);
            if title.is_empty() {
                title = format!("Clause {number}");
            }
            let field = format!("Consent clause “{}”", abridged(&title));
            let text = cleaner.text(&field, &clause.text);
            clauses.push(Clause {
                title,
                text,
                accepted: clause.accepted,
            });
        }

        let typed_name = cleaner.line("Typed name", &input.typed_name);
        let signed_local = cleaner.line("Signing time (clinic)", &input.signed_local);
        let signed_utc = cleaner.line("Signing time (UTC)", &input.signed_utc);

        let audit_input = &input.audit;
        let audit = vec![
            (
                "Submission ID".to_owned(),
                cleaner.line("Submission ID", &audit_input.submission_id),
            ),
            (
                "Template version".to_owned(),
                cleaner.line("Template version", &audit_input.template_version),
            ),
            (
                "SHA-256 of the canonical submission data".to_owned(),
                cleaner.line("SHA-256", &audit_input.canonical_sha256),
            ),
            (
                "Client IP address".to_owned(),
                cleaner.line("Client IP address", &audit_input.client_ip),
            ),
            (
                "User agent".to_owned(),
                cleaner.line("User agent", &audit_input.user_agent),
            ),
        ];
        let mut events = Vec::with_capacity(audit_input.events.len());
        for (index, (label, time)) in audit_input.events.iter().enumerate() {
            let field = format!("Audit event {}", index + 1);
            events.push((cleaner.line(&field, label), cleaner.line(&field, time)));
        }

        Self {
            clinic_name,
            client,
            sections,
            clauses,
            photo_marketing: input.photo_marketing,
            typed_name,
            signed_local,
            signed_utc,
            audit,
            events,
            replaced_fields: cleaner.finish(),
        }
    }
}

/// A question or title short enough to name a field in the audit note.
fn abridged(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}
