//! Gathers what the consent PDF shows from a submission and its evidence.

use chrono::{DateTime, Utc};
use stipple_app::domain::{answers::answer_sections, questions as q, ConsentTemplate, Submission};

use crate::{
    config::Settings,
    consent_pdf::{Audit, ClauseLine, ConsentPdfInput, Section},
};

use super::service::Evidence;

/// Answers the PDF already shows in its client block, so not again below.
const IN_HEADER: &[&str] = &[
    q::FULL_NAME.label,
    q::DATE_OF_BIRTH.label,
    q::EMAIL.label,
    q::PHONE.label,
];

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub fn pdf_input(
    s: &Submission,
    template: &ConsentTemplate,
    evidence: &Evidence,
    signature_png: Vec<u8>,
    canonical_sha256: &str,
    settings: &Settings,
) -> ConsentPdfInput {
    let tz = settings.timezone;
    let signed = evidence.received_at;
    let mut events = Vec::new();
    if let Some(opened) = s.opened_at {
        events.push(("Intake opened (client's clock)".to_string(), utc(opened)));
    }
    events.push((
        "Submitted and signed (received by the clinic)".to_string(),
        utc(signed),
    ));
    ConsentPdfInput {
        paper: settings.paper,
        clinic_name: template.clinic_name.clone(),
        title: format!(
            "Consent for scalp micropigmentation – {}",
            s.client.full_name.trim()
        ),
        client: vec![
            (
                q::FULL_NAME.label.into(),
                s.client.full_name.trim().to_string(),
            ),
            (
                q::DATE_OF_BIRTH.label.into(),
                s.client.date_of_birth.format("%-d %b %Y").to_string(),
            ),
            (
                q::EMAIL.label.into(),
                s.client.email.clone().unwrap_or_default(),
            ),
            (
                q::PHONE.label.into(),
                s.client.phone.clone().unwrap_or_default(),
            ),
        ],
        sections: answer_sections(s)
            .into_iter()
            .map(|sec| Section {
                title: sec.title.to_string(),
                // Name, birth date and contact details head the document already.
                rows: sec
                    .rows
                    .into_iter()
                    .filter(|(q, _)| !(sec.title == "About you" && IN_HEADER.contains(&q.as_str())))
                    .collect(),
            })
            .collect(),
        clauses: template
            .clauses
            .iter()
            .map(|c| ClauseLine {
                title: c.title.clone(),
                text: c.text.clone(),
                accepted: s.consent.accepted.iter().any(|a| a == &c.id),
            })
            .collect(),
        photo_marketing: s.consent.photo_marketing,
        signature_png,
        typed_name: s.signature.typed_name.clone(),
        signed_local: {
            let local = signed
                .with_timezone(&tz)
                .format("%-d %b %Y %H:%M:%S %Z")
                .to_string();
            if tz == chrono_tz::Tz::UTC {
                local
            } else {
                format!("{local} ({})", tz.name())
            }
        },
        signed_utc: utc(signed),
        created_at_unix: signed.timestamp(),
        audit: Audit {
            submission_id: s.id.to_string(),
            template_version: template.version.clone(),
            canonical_sha256: canonical_sha256.to_string(),
            client_ip: evidence
                .client_ip
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            user_agent: evidence
                .user_agent
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            events,
        },
    }
}
