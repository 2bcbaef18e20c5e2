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
    // The PDF opens through a link that works for five minutes (the receipt
    // token itself never goes into a URL), renewed while the page is open.
    let pdf_link = RwSignal::new(None::<String>);
    let mint = move || {
        let Some(r) = ctx.receipt.get_untracked().filter(|_| !ctx.kiosk) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/submissions/{}/pdf-link", r.id);
            let auth = format!("Bearer {}", r.receipt_token);
            if let Ok(link) =
                browser::post_json::<_, Link>(&url, &(), &[("Authorization", &auth)]).await
            {
                pdf_link.set(Some(link.url));
            }
        });
    };
    Effect::new(move |_| {
        if ctx.receipt.with(Option::is_some) {
            mint();
        }
    });
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(mint, std::time::Duration::from_secs(4 * 60)) {
            on_cleanup(move || h.clear());
        }
    });
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
        {move || receipt().filter(|r| r.email_copy.as_deref() == Some("limited")).map(|_| view! {
            <p class="note" id="copy-limited">
                {if ctx.kiosk {
                    "We could not e-mail your copy this time: that address has had as many as we send in a day. Ask at the desk for a printed copy."
                } else {
                    "We could not e-mail your copy this time: that address has had as many as we send in a day. Download it below instead."
                }}
            </p>
        })}
        // A shared clinic tablet shows no link to the client's record: their
        // copy is e-mailed.
        {move || receipt().filter(|_| !ctx.kiosk).map(|_| {
            let href = move || pdf_link.get().unwrap_or_default();
            view! {
                <p>
                    <a class="button primary" id="consent-pdf" href=href target="_blank" rel="noopener">"Open my signed consent (PDF)"</a>
                </p>
                <p><a href=move || format!("{}&download=1", href())>"Download a copy"</a></p>
            }
        })}
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
