//! What the clinic sends, as queue rows.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use stipple_app::domain::{
    states::{MailKind, MailStatus},
    ConsentTemplate, Submission,
};
use uuid::Uuid;

use crate::{
    entities::mail_message as entity,
    vault::{at, Vault},
};

pub struct NewMail {
    pub submission_id: Option<Uuid>,
    /// The invite an invitation carries.
    pub invite_id: Option<Uuid>,
    pub kind: MailKind,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body_text: String,
    pub attach_consent_pdf: bool,
    /// `Queued` to send; `Limited` keeps the row for staff without sending.
    pub status: MailStatus,
}

impl NewMail {
    /// Adds the message to the queue (inside the caller's transaction); the
    /// body is sealed while it waits.
    pub async fn enqueue(self, db: &impl ConnectionTrait, vault: &Vault) -> Result<Uuid, DbErr> {
        let id = Uuid::new_v4();
        let now = Utc::now();
        let row = entity::ActiveModel {
            id: Set(id),
            submission_id: Set(self.submission_id),
            kind: Set(self.kind.as_str().to_string()),
            to_address: Set(self.to_address),
            to_name: Set(self.to_name),
            subject: Set(self.subject),
            body_text: Set(vault.seal_text(at::mail_body(id), &self.body_text)),
            attach_consent_pdf: Set(self.attach_consent_pdf),
            status: Set(self.status.as_str().to_string()),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_at: Set(now),
            created_at: Set(now),
            sent_at: Set(None),
            invite_id: Set(self.invite_id),
        };
        entity::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        Ok(id)
    }
}

/// What a client needs after a session: the clinic's aftercare (from its
/// consent template) and the date of the next session, if one is planned.
/// Filed with the client's latest intake, so it is erased with it.
pub struct AftercareMail<'a> {
    pub to: &'a str,
    pub name: &'a str,
    pub submission_id: Uuid,
    pub session_number: u16,
    pub next_session_on: Option<chrono::NaiveDate>,
}

pub fn aftercare(m: AftercareMail<'_>, template: &ConsentTemplate) -> NewMail {
    let name: String = m
        .name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    let steps: String = template
        .aftercare
        .iter()
        .map(|a| format!("  - {a}\n"))
        .collect();
    let next = match m.next_session_on {
        Some(day) => format!(
            "Your next session is planned for {}. The clinic will confirm the time.\n\n",
            day.format("%A %-d %B %Y")
        ),
        None => String::new(),
    };
    NewMail {
        invite_id: None,
        submission_id: Some(m.submission_id),
        kind: MailKind::Aftercare,
        to_address: m.to.to_string(),
        to_name: name.clone(),
        subject: format!("Aftercare after your session – {}", template.clinic_name),
        body_text: format!(
            "Dear {name},\n\n\
             Thank you for your session {number} with {clinic} today. Healing well makes the result \
             last; for the next days:\n{steps}\n\
             {next}\
             If you notice anything unusual (spreading redness, heat, swelling or pus, or a fever), \
             contact the clinic, or a doctor if you cannot reach it.\n",
            number = m.session_number,
            clinic = template.clinic_name,
        ),
        attach_consent_pdf: false,
        status: MailStatus::Queued,
    }
}

/// The client's copy of their signed consent, with the aftercare summary.
/// `None` when the client gave no e-mail address.
pub fn consent_copy(submission: &Submission, template: &ConsentTemplate) -> Option<NewMail> {
    let to = submission.client.email.as_deref()?.trim();
    if to.is_empty() {
        return None;
    }
    // The one thing the client typed that the mail repeats: short, one
    // line, so the clinic's message cannot be made to carry someone's text.
    let name: String = submission
        .client
        .full_name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    let aftercare: String = template
        .aftercare
        .iter()
        .map(|a| format!("  - {a}\n"))
        .collect();
    let body = format!(
        "Dear {name},\n\n\
         Thank you for completing your intake with {clinic}. Your signed consent is attached as a PDF; \
         keep it for your records. You may ask the clinic for a paper copy at any time.\n\n\
         A practitioner will read your answers before your appointment and will contact you if anything \
         needs a closer look.\n\n\
         Aftercare, in short:\n{aftercare}\n\
         Reference: {id}\n",
        clinic = template.clinic_name,
        id = submission.id,
    );
    Some(NewMail {
        invite_id: None,
        submission_id: Some(submission.id),
        kind: MailKind::ConsentCopy,
        to_address: to.to_string(),
        to_name: name.clone(),
        subject: format!("Your signed consent – {}", template.clinic_name),
        body_text: body,
        attach_consent_pdf: true,
        status: MailStatus::Queued,
    })
}
