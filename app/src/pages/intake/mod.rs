//! The client's intake wizard at `/intake`.

mod about;
mod consent_step;
mod done;
pub mod draft;
pub mod fields;
mod form;
mod history;
mod invite;
mod kiosk;
mod medical;
mod preferences;
mod review;
mod send;
mod signature;
mod steps;

use leptos::{either::Either, prelude::*};

use crate::pages::PageTitle;
use crate::{
    browser::{self, Receipt},
    domain::FieldErrors,
};
use draft::Draft;
use fields::when;
use form::{DRAFT_KEY, RECEIPT_KEEP_MS, RECEIPT_KEY, RECEIPT_TIME_KEY};
use invite::open_invite;
use kiosk::kiosk_timer;
use send::check_outbox;
use steps::step_area;

// The steps' files reach these as `super::…`.
pub use form::FormCtx;
pub use send::submit;
pub use steps::Step;

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
            draft.step = Step::Done;
        }
        let path = browser::path();
        let invite = path
            .strip_prefix("/intake/")
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| browser::query_param("invite"))
            .filter(|_| draft.step != Step::Done);
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
        if d.step == Step::Done && !d.queued {
            browser::remove(DRAFT_KEY);
        } else {
            browser::save(DRAFT_KEY, &d);
        }
    });
    if ctx.kiosk {
        kiosk_timer(ctx);
    }

    // A memo: the step re-renders only when it changes, not on every keystroke.
    let step = Memo::new(move |_| ctx.draft.with(|d| d.step));
    let title = move || step.get().title();
    view! {
        <PageTitle text=move || format!("{} · Intake", title())/>
        <main class="page intake" data-loaded=move || loaded.get().to_string()>
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <span>"Stipple"</span>
            </header>
            {when(move || step.get() < Step::Done, move || view! {
                <div class="progress">
                    <p id="progress-label">{move || format!("Step {} of {}", step.get().number(), Step::Review.number())}</p>
                    <progress max=Step::Review.number().to_string() value=move || step.get().number().to_string() aria-labelledby="progress-label"></progress>
                </div>
            })}
            <h1 id="step-title" tabindex="-1">{title}</h1>
            <div role="status" aria-live="polite">
                {move || invite_notice.get().filter(|_| step.get() < Step::Done).map(|n| match n {
                    Ok(m) => Either::Left(view! { <p class="notice" id="invite-notice">{m}</p> }),
                    Err(m) => Either::Right(view! { <p class="notice warning" id="invite-notice">{m}</p> }),
                })}
            </div>
            <ErrorSummary/>
            {step_area(step)}
            {when(move || { step.get() < Step::Review }, move || view! {
                <Nav step=step/>
            })}
        </main>
    }
}

/// Back and Next. Next checks the step with the shared rules first.
#[component]
fn Nav(step: Memo<Step>) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let next = move |_| {
        let s = step.get_untracked();
        if ctx.check_step(s) {
            ctx.go(s.next());
        }
    };
    view! {
        <div class="nav">
            {when(move || { step.get() > Step::AboutYou }, move || view! {
                <button type="button" class="button" on:click=move |_| ctx.go(step.get_untracked().back())>"Back"</button>
            })}
            <button type="button" class="button primary" id="next" on:click=next>
                {move || if step.get().next() == Step::Review { "Review my answers" } else { "Next" }}
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
