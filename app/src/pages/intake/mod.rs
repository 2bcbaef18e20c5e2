//! The client's intake wizard at `/intake`.

mod about;
mod consent_step;
mod done;
pub mod draft;
pub mod fields;
mod history;
mod medical;
mod preferences;
mod review;
mod signature;

use leptos::{
    either::{Either, EitherOf12},
    prelude::*,
};

use crate::pages::PageTitle;
use crate::{
    browser::{self, Outbox, Receipt, SendError},
    domain::{CheckContext, ConsentTemplate, FieldErrors},
};
use draft::Draft;
use fields::when;

const DRAFT_KEY: &str = "stipple.intake.draft";
const RECEIPT_KEY: &str = "stipple.intake.receipt";
/// When the receipt was kept (ms): it is forgotten after a day, so a shared
/// phone does not keep opening someone's signed consent.
const RECEIPT_TIME_KEY: &str = "stipple.intake.receipt_at";
const RECEIPT_KEEP_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// A kiosk tablet forgets everything after this much inactivity, unless the
/// clinic's kiosk link sets `idle=<seconds>` (10 … 3600).
const KIOSK_IDLE_MS: u64 = 3 * 60 * 1000;
/// ...and this long after showing the thank-you page.
const KIOSK_DONE_MS: u64 = 45 * 1000;

/// A wizard step: its title and the JSON paths whose errors it shows.
pub struct Step {
    pub title: &'static str,
    pub paths: &'static [&'static str],
}

pub const STEPS: &[Step] = &[
    Step {
        title: "About you",
        paths: &["client", "appointment"],
    },
    Step {
        title: "Hair loss",
        paths: &["hair_loss"],
    },
    Step {
        title: "Scars",
        paths: &["has_scars", "scars"],
    },
    Step {
        title: "Previous transplants",
        paths: &["has_transplants", "transplants"],
    },
    Step {
        title: "Medical screening",
        paths: &["medical"],
    },
    Step {
        title: "Comfort and pain",
        paths: &["comfort"],
    },
    Step {
        title: "Lifestyle",
        paths: &["lifestyle"],
    },
    Step {
        title: "Goals",
        paths: &["goals"],
    },
    Step {
        title: "Consent",
        paths: &["consent"],
    },
    Step {
        title: "Signature",
        paths: &["signature"],
    },
    Step {
        title: "Review",
        paths: &[],
    },
    Step {
        title: "Done",
        paths: &[],
    },
];
pub const REVIEW: usize = 10;
pub const DONE: usize = 11;

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
    template_loading: StoredValue<bool>,
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

    pub fn go(&self, step: usize) {
        self.shown.set(FieldErrors::default());
        self.draft.update(|d| d.step = step.min(DONE));
        browser::scroll_top();
        browser::focus("step-title");
    }

    /// Checks the current step; shows its errors and moves focus to the first.
    pub fn check_step(&self, step: usize) -> bool {
        let errors = self.all_errors().under(STEPS[step].paths);
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

#[component]
pub fn IntakePage() -> impl IntoView {
    let ctx = FormCtx {
        draft: RwSignal::new(Draft::default()),
        shown: RwSignal::new(FieldErrors::default()),
        template: RwSignal::new(None),
        receipt: RwSignal::new(None),
        send_error: RwSignal::new(None),
        kiosk: browser::query_param("kiosk").as_deref() == Some("1"),
        labels: StoredValue::new(Vec::new()),
        template_loading: StoredValue::new(false),
    };
    provide_context(ctx);
    let loaded = RwSignal::new(false);
    let invite_notice: RwSignal<Option<Result<String, String>>> = RwSignal::new(None);

    // After hydration: restore the draft (or start one) and fetch the template.
    Effect::new(move |_| {
        let stored: Option<Draft> = if ctx.kiosk {
            None
        } else {
            browser::load(DRAFT_KEY)
        };
        let fresh = browser::load::<f64>(RECEIPT_TIME_KEY)
            .is_some_and(|at| browser::now_ms() - at < RECEIPT_KEEP_MS);
        if !fresh {
            browser::remove(RECEIPT_KEY);
            browser::remove(RECEIPT_TIME_KEY);
        }
        let receipt: Option<Receipt> = if ctx.kiosk || !fresh {
            None
        } else {
            browser::load(RECEIPT_KEY)
        };
        // Sent already and nothing new begun: show the thank-you page again.
        let after_send = stored.is_none() && receipt.is_some();
        let mut draft = stored.unwrap_or_default();
        if draft.id.is_empty() {
            draft.id = browser::new_id();
            draft.opened_at = browser::now_rfc3339();
        }
        if after_send {
            draft.step = DONE;
        }
        let path = browser::path();
        let invite = path
            .strip_prefix("/intake/")
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| browser::query_param("invite"))
            .filter(|_| draft.step != DONE);
        ctx.receipt.set(receipt);
        ctx.draft.set(draft);
        if let Some(token) = invite {
            open_invite(ctx, token, invite_notice);
        }
        loaded.set(true);
        ctx.ensure_template();
        check_outbox(ctx);
    });
    // The outbox sends in the background (Background Sync, `online`): follow it.
    browser::on_outbox_change(move || check_outbox(ctx));
    // Save on every change, once the stored draft has been read. Once sent,
    // nothing of the answers stays on the phone.
    Effect::new(move |_| {
        let d = ctx.draft.get();
        if !loaded.get_untracked() || ctx.kiosk {
            return;
        }
        if d.step == DONE && !d.queued {
            browser::remove(DRAFT_KEY);
        } else {
            browser::save(DRAFT_KEY, &d);
        }
    });
    if ctx.kiosk {
        kiosk_timer(ctx);
    }

    // A memo: the step re-renders only when it changes, not on every keystroke.
    let step = Memo::new(move |_| ctx.draft.with(|d| d.step.min(DONE)));
    let title = move || STEPS[step.get()].title;
    view! {
        <PageTitle text=move || format!("{} · Intake", title())/>
        <main class="page intake" data-loaded=move || loaded.get().to_string()>
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <span>"Stipple"</span>
            </header>
            {when(move || step.get() < DONE, move || view! {
                <div class="progress">
                    <p id="progress-label">{move || format!("Step {} of {}", step.get() + 1, DONE)}</p>
                    <progress max=DONE.to_string() value=move || (step.get() + 1).to_string() aria-labelledby="progress-label"></progress>
                </div>
            })}
            <h1 id="step-title" tabindex="-1">{title}</h1>
            <div role="status" aria-live="polite">
                {move || invite_notice.get().filter(|_| step.get() < DONE).map(|n| match n {
                    Ok(m) => Either::Left(view! { <p class="notice" id="invite-notice">{m}</p> }),
                    Err(m) => Either::Right(view! { <p class="notice warning" id="invite-notice">{m}</p> }),
                })}
            </div>
            <ErrorSummary/>
            {step_area(step)}
            {when(move || { step.get() < REVIEW }, move || view! {
                <Nav step=step/>
            })}
        </main>
    }
}

/// The current step's form.
fn current_step(step: usize) -> impl IntoView {
    match step {
        0 => EitherOf12::A(about::AboutYou()),
        1 => EitherOf12::B(about::HairLoss()),
        2 => EitherOf12::C(history::Scars()),
        3 => EitherOf12::D(history::Transplants()),
        4 => EitherOf12::E(medical::Medical()),
        5 => EitherOf12::F(preferences::Comfort()),
        6 => EitherOf12::G(preferences::Lifestyle()),
        7 => EitherOf12::H(preferences::Goals()),
        8 => EitherOf12::I(consent_step::ConsentStep()),
        9 => EitherOf12::J(signature::SignatureStep()),
        REVIEW => EitherOf12::K(review::Review()),
        _ => EitherOf12::L(done::Done()),
    }
}

/// Where the steps appear. The server writes the first step into the page,
/// so it can be read and typed into before the WASM arrives. The browser
/// then builds the steps itself instead of hydrating that markup: hydrating
/// means code for every step's markup besides the code that draws it, and
/// leaving it out makes the client's bundle markedly smaller. Answers typed
/// meanwhile are given back by `hydrate.js`.
#[cfg(not(feature = "hydrate"))]
fn step_area(step: Memo<usize>) -> impl IntoView {
    let first = current_step(step.get_untracked()).to_html();
    view! { <div class="step-area" inner_html=first></div> }
}

#[cfg(feature = "hydrate")]
fn step_area(step: Memo<usize>) -> impl IntoView {
    use leptos::tachys::view::{Mountable, Render};

    let area = NodeRef::<leptos::html::Div>::new();
    // Runs once, after hydration (and after the saved draft is read, so the
    // client's own step is drawn first time). The built view lives as long
    // as this effect, that is as long as the page.
    let built = StoredValue::new_local(None);
    Effect::new(move |_| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        el.set_inner_html("");
        let mut view = (move || current_step(step.get())).build();
        view.mount(&el, None);
        built.set_value(Some(view));
    });
    view! { <div class="step-area" node_ref=area></div> }
}

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
fn open_invite(ctx: FormCtx, token: String, notice: RwSignal<Option<Result<String, String>>>) {
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
            // Offline: keep the link; the clinic checks it when the intake is sent.
            Err(SendError::Network) => ctx.draft.update(|d| d.invite_token = Some(token)),
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

/// Back and Next. Next checks the step with the shared rules first.
#[component]
fn Nav(step: Memo<usize>) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let next = move |_| {
        let s = step.get_untracked();
        if ctx.check_step(s) {
            ctx.go(s + 1);
        }
    };
    view! {
        <div class="nav">
            {when(move || { step.get() > 0 }, move || view! {
                <button type="button" class="button" on:click=move |_| ctx.go(step.get_untracked().saturating_sub(1))>"Back"</button>
            })}
            <button type="button" class="button primary" id="next" on:click=next>
                {move || if step.get() + 1 == REVIEW { "Review my answers" } else { "Next" }}
            </button>
        </div>
    }
}

/// Lists the step's errors with links to each field.
#[component]
fn ErrorSummary() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let items = move || {
        ctx.summary()
            .into_iter()
            .map(|(path, msg)| (fields::field_id(&path), msg))
            .collect::<Vec<_>>()
    };
    view! {
        <div role="alert" aria-live="assertive">
            {when(move || !ctx.shown.with(|e| e.is_empty()), move || view! {
                <div class="error-summary" id="error-summary" tabindex="-1">
                    <h2>"Please check these answers"</h2>
                    <ul>
                        {move || items().into_iter().map(|(id, msg)| {
                            let target = id.clone();
                            view! {
                                <li><a href=format!("#{id}") on:click=move |ev| {
                                    ev.prevent_default();
                                    browser::focus(&target);
                                }>{msg}</a></li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}

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
        let result = browser::post_json::<_, Receipt>("/api/v1/submissions", &submission).await;
        match result {
            Ok(receipt) => sent(ctx, receipt),
            Err(SendError::Network) => {
                let id = submission.id.to_string();
                if browser::queue(&id, &submission).await {
                    ctx.draft.update(|d| {
                        d.queued = true;
                        d.step = DONE;
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
        step: DONE,
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
        if d.step == DONE {
            d.step = REVIEW;
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
        SendError::Network | SendError::SignedOut => {
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
fn check_outbox(ctx: FormCtx) {
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
const NO_FIELD: &[&str] = &[
    "id",
    "opened_at",
    "appointment.invite_token",
    "consent.template_version",
];

/// Takes the client to the first step with a problem, or explains problems
/// no step can fix.
fn send_back(ctx: FormCtx, errors: FieldErrors) {
    let failure = ctx.send_error;
    if errors.get("appointment.invite_token").is_some() {
        // A damaged invitation link must not block the intake: drop it.
        ctx.draft.update(|d| d.invite_token = None);
    }
    let unplaced: Vec<String> = NO_FIELD.iter().filter_map(|p| errors.first(p)).collect();
    let placed = FieldErrors(
        errors
            .0
            .into_iter()
            .filter(|(p, _)| !NO_FIELD.contains(&p.as_str()))
            .collect(),
    );
    match STEPS.iter().position(|s| !placed.under(s.paths).is_empty()) {
        Some(first) => {
            ctx.go(first);
            ctx.show(placed.under(STEPS[first].paths));
        }
        None => failure.set(Some(format!("{} Please try again.", unplaced.join(" ")))),
    }
}

/// Kiosk mode: clear everything after inactivity, and soon after "Done".
fn kiosk_timer(ctx: FormCtx) {
    #[cfg(feature = "hydrate")]
    {
        use std::time::Duration;
        let handle: StoredValue<Option<leptos::prelude::TimeoutHandle>> = StoredValue::new(None);
        let arm = move || {
            if let Some(h) = handle.get_value() {
                h.clear();
            }
            let done = ctx.draft.with_untracked(|d| d.step == DONE);
            let idle = browser::query_param("idle")
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|s| (10..=3600).contains(s))
                .map(|s| s * 1000)
                .unwrap_or(KIOSK_IDLE_MS);
            let ms = if done { KIOSK_DONE_MS.min(idle) } else { idle };
            // An intake still waiting in the outbox stays on screen, so its
            // fate (sent, or refused with a reason) is seen before the next
            // client starts.
            let forget = move || {
                if !ctx.draft.with_untracked(|d| d.queued) {
                    ctx.reset();
                }
            };
            let h = set_timeout_with_handle(forget, Duration::from_millis(ms)).ok();
            handle.set_value(h);
        };
        // Any change to the answers (or reaching Done) restarts the clock.
        Effect::new(move |_| {
            ctx.draft.track();
            arm();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, KIOSK_IDLE_MS, KIOSK_DONE_MS);
}
