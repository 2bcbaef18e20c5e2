//! The clinic's invite link: what it pre-fills.

use leptos::prelude::*;

use super::FormCtx;
use crate::browser::{self, SendError};

/// What the clinic's invite says about this client and appointment.
#[derive(Clone, serde::Deserialize)]
struct InvitePrefill {
    client_name: String,
    email: Option<String>,
    phone: Option<String>,
    appointment_date: String,
    appointment_local: String,
}

/// Opens the clinic's invite: fills in what the clinic already knows
/// (never over the client's own answers) and ties the intake to the
/// appointment. A used or expired link is explained, and the intake
/// goes on without it.
pub(super) fn open_invite(
    ctx: FormCtx,
    token: String,
    notice: RwSignal<Option<Result<String, String>>>,
) {
    // Our tokens are URL-safe base64; anything else never reaches a URL.
    let plausible = (16..=128).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plausible {
        ctx.draft.update(|d| d.invite_token = None);
        notice.set(Some(Err(
            "This invitation link is not valid. You can still fill in the intake.".into(),
        )));
        return;
    }
    leptos::task::spawn_local(async move {
        let url = format!("/api/v1/invites/{token}");
        match browser::get_json::<InvitePrefill>(&url).await {
            Ok(p) => {
                ctx.draft.update(|d| {
                    d.invite_token = Some(token);
                    let fill = |field: &mut String, value: Option<String>| {
                        if field.trim().is_empty() {
                            *field = value.unwrap_or_default();
                        }
                    };
                    fill(&mut d.full_name, Some(p.client_name));
                    fill(&mut d.email, p.email);
                    fill(&mut d.phone, p.phone);
                    fill(&mut d.preferred_date, Some(p.appointment_date));
                });
                notice.set(Some(Ok(format!(
                    "Your appointment: {}",
                    p.appointment_local
                ))));
            }
            // Offline or busy: keep the link; the clinic checks it when the
            // intake is sent.
            Err(SendError::Network | SendError::Busy(_)) => {
                ctx.draft.update(|d| d.invite_token = Some(token))
            }
            Err(SendError::Refused(m)) => {
                ctx.draft.update(|d| d.invite_token = None);
                notice.set(Some(Err(m)));
            }
            Err(_) => {
                ctx.draft.update(|d| d.invite_token = None);
                notice.set(Some(Err(
                    "This invitation link is not valid. You can still fill in the intake.".into(),
                )));
            }
        }
    });
}
