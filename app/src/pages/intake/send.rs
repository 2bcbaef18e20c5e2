//! Sending the intake, and following it through the phone's outbox.

use leptos::prelude::*;

use super::{
    draft::Draft,
    form::{DRAFT_KEY, RECEIPT_KEY, RECEIPT_TIME_KEY},
    FormCtx, Step,
};
use crate::{
    browser::{self, Outbox, Receipt, SendError},
    domain::{CheckContext, FieldErrors},
};

/// Submits the checked draft. On success the draft is forgotten and the
/// receipt kept so the thank-you page survives a reload. Offline, the
/// submission waits in the phone's outbox and goes when the connection
/// returns.
pub fn submit(ctx: FormCtx, sending: RwSignal<bool>) {
    let failure = ctx.send_error;
    let errors = ctx.all_errors();
    if !errors.is_empty() {
        send_back(ctx, errors);
        return;
    }
    let submission = ctx.template.with_untracked(|t| {
        t.as_ref().map(|t| {
            let c = CheckContext {
                today: browser::today(),
                template: t,
            };
            ctx.draft.with_untracked(|d| d.check(&c).0)
        })
    });
    let Some(submission) = submission else {
        ctx.ensure_template();
        failure.set(Some(
            "The consent text has not loaded yet. Check your connection and try again.".into(),
        ));
        return;
    };
    sending.set(true);
    failure.set(None);
    leptos::task::spawn_local(async move {
        // An invited client is not held back by the limit on their address:
        // the header lets the server see the invite before reading the body.
        let invite = submission
            .appointment
            .invite_token
            .clone()
            .unwrap_or_default();
        let header = [("Stipple-Invite", invite.as_str())];
        let headers = if invite.is_empty() {
            &[][..]
        } else {
            &header[..]
        };
        let result =
            browser::post_json::<_, Receipt>("/api/v1/submissions", &submission, headers).await;
        match result {
            Ok(receipt) => sent(ctx, receipt),
            // Offline, or the clinic asks to wait: the outbox sends it later.
            Err(SendError::Network | SendError::Busy(_)) => {
                let id = submission.id.to_string();
                if browser::queue(&id, &submission).await {
                    ctx.draft.update(|d| {
                        d.queued = true;
                        d.step = Step::Done;
                    });
                    browser::scroll_top();
                    browser::focus("step-title");
                } else {
                    failure.set(Some(
                        "We could not reach the clinic. Your answers are saved on this phone — try again when you are online.".into(),
                    ));
                }
            }
            Err(e) => refused(ctx, e),
        }
        sending.set(false);
    });
}

/// The clinic has the intake: forget the answers, keep the receipt.
fn sent(ctx: FormCtx, receipt: Receipt) {
    browser::remove(DRAFT_KEY);
    if !ctx.kiosk {
        browser::save(RECEIPT_KEY, &receipt);
        browser::save(RECEIPT_TIME_KEY, &browser::now_ms());
    }
    ctx.receipt.set(Some(receipt));
    // A fresh draft (new id) so a later intake is a new submission.
    ctx.draft.set(Draft {
        id: browser::new_id(),
        opened_at: browser::now_rfc3339(),
        step: Step::Done,
        ..Draft::default()
    });
    browser::scroll_top();
    browser::focus("step-title");
}

/// The clinic refused the intake: explain why, next to what to correct.
fn refused(ctx: FormCtx, error: SendError) {
    let failure = ctx.send_error;
    ctx.draft.update(|d| {
        d.queued = false;
        if d.step == Step::Done {
            d.step = Step::Review;
        }
    });
    match error {
        SendError::Invalid(errors) => send_back(ctx, errors),
        SendError::Conflict => failure.set(Some(
            "The clinic already has an earlier version of this intake from this phone, so these changes were not sent. \
             Please tell the clinic what needs correcting."
                .into(),
        )),
        SendError::Refused(message) => failure.set(Some(message)),
        SendError::Network | SendError::SignedOut | SendError::Busy(_) => {
            failure.set(Some("The clinic refused the answers. Please try again.".into()))
        }
    }
    // The reason sits under the answers: bring it into view.
    if failure.with_untracked(Option::is_some) {
        browser::focus("send-error");
    }
}

/// A submission waiting in the outbox: send it if possible, then show what
/// became of it ("Sent", or the clinic's reason with the draft to correct).
pub(super) fn check_outbox(ctx: FormCtx) {
    let Some(id) = ctx.draft.with_untracked(|d| d.queued.then(|| d.id.clone())) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let state = browser::outbox_state(&id).await;
        // The client may have moved on meanwhile.
        if ctx.draft.with_untracked(|d| !d.queued || d.id != id) {
            return;
        }
        match state {
            Outbox::Queued | Outbox::Unknown => {}
            Outbox::Sent(receipt) => {
                sent(ctx, receipt);
                browser::outbox_forget(&id).await;
            }
            Outbox::Refused(e) => {
                refused(ctx, e);
                browser::outbox_forget(&id).await;
            }
        }
    });
}

/// Paths the client has no field for: they are explained on the Review page.
const NO_FIELD: &[&str] = &["id", "opened_at", "appointment.invite_token"];

/// Where the clinic says the consent text has changed since the page loaded it.
const CONSENT_VERSION: &str = "consent.template_version";

/// Takes the client to the first step with a problem, or explains problems
/// no step can fix.
fn send_back(ctx: FormCtx, errors: FieldErrors) {
    let failure = ctx.send_error;
    if errors.get("appointment.invite_token").is_some() {
        // A damaged invitation link must not block the intake: drop it.
        ctx.draft.update(|d| d.invite_token = None);
    }
    if errors.get(CONSENT_VERSION).is_some() {
        // The clinic changed its consent text: fetch the new one and ask for
        // each tick again; every other answer stays.
        ctx.draft.update(|d| d.accepted.clear());
        ctx.template.set(None);
        ctx.template_loading.set_value(false);
        ctx.ensure_template();
    }
    let unplaced: Vec<String> = NO_FIELD.iter().filter_map(|p| errors.first(p)).collect();
    let placed = FieldErrors(
        errors
            .0
            .into_iter()
            .filter(|(p, _)| !NO_FIELD.contains(&p.as_str()))
            .collect(),
    );
    match Step::ALL
        .into_iter()
        .find(|s| !placed.under(s.paths()).is_empty())
    {
        Some(first) => {
            ctx.go(first);
            ctx.show(placed.under(first.paths()));
        }
        None => failure.set(Some(format!("{} Please try again.", unplaced.join(" ")))),
    }
}
