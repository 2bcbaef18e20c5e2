//! The thank-you page: what happens next and the aftercare summary.

use leptos::{either::Either, prelude::*};

use super::FormCtx;
use crate::browser;

/// The part of `POST …/pdf-link`'s answer the page uses.
#[derive(serde::Deserialize)]
struct Link {
    url: String,
}

#[component]
pub fn Done() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let aftercare = move || {
        ctx.template
            .with(|t| t.as_ref().map(|t| t.aftercare.clone()).unwrap_or_default())
    };
    let receipt = move || ctx.receipt.get();
    let queued = move || ctx.draft.with(|d| d.queued);
    let pdf_error = RwSignal::new(false);
    // The PDF opens through a link minted on the tap, good for five
    // minutes: the receipt token itself never goes into a URL.
    let open_pdf = move |suffix: &'static str| {
        let Some(r) = ctx.receipt.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/submissions/{}/pdf-link", r.id);
            let auth = format!("Bearer {}", r.receipt_token);
            match browser::post_json::<_, Link>(&url, &(), &[("Authorization", &auth)]).await {
                Ok(link) => browser::navigate(&format!("{}{suffix}", link.url)),
                Err(_) => pdf_error.set(true),
            }
        });
    };

    view! {
        <div class="status" role="status" id="send-state" data-state=move || if queued() { "queued" } else { "sent" }>
            {move || if queued() {
                Either::Left(view! {
                    <p><strong>"Saved on this phone — it will be sent when you're back online."</strong></p>
                    <p class="note">"You can close this page. It is sent the next time this phone is online, or when you open it again."</p>
                })
            } else {
                Either::Right(view! {
                    <p><strong>"Sent — the clinic has your intake and signed consent."</strong></p>
                    <p class="note">"Thank you."</p>
                })
            }}
            {move || receipt().map(|r| view! { <p class="note">{format!("Reference: {}", r.id)}</p> })}
        </div>
        // A shared clinic tablet shows no link to the client's record: their
        // copy is e-mailed.
        {move || receipt().filter(|_| !ctx.kiosk).map(|_| view! {
            <p>
                <button type="button" class="button primary" id="consent-pdf" on:click=move |_| open_pdf("")>
                    "Open my signed consent (PDF)"
                </button>
            </p>
            <p>
                <button type="button" class="button" id="consent-pdf-download" on:click=move |_| open_pdf("&download=1")>
                    "Download a copy"
                </button>
            </p>
        })}
        // One line for what did not go as usual: a copy not mailed, a PDF
        // that did not open.
        <p class="note" id="copy-note" role="status">{move || {
            if pdf_error.get() {
                "The PDF did not open. Check your connection and try again."
            } else if receipt().is_some_and(|r| r.email_copy.as_deref() == Some("limited")) {
                "Your copy was not e-mailed: that address has had today's limit. Save it here, or ask the clinic for a printed copy."
            } else {
                ""
            }
        }}</p>
        <h2>"What happens next"</h2>
        <ol>
            <li>"A practitioner reads your answers before your appointment."</li>
            <li>"If anything needs a closer look, the clinic will contact you."</li>
            <li>"Bring any questions to your first session; it usually sets your hairline."</li>
        </ol>
        <h2>"Aftercare, in short"</h2>
        <ul>{move || aftercare().into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
        <p class="note">"You will receive these instructions again at your visit."</p>
        <button type="button" class="button" on:click=move |_| ctx.reset()>"Start a new intake"</button>
    }
}
