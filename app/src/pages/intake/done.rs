//! The thank-you page: what happens next and the aftercare summary.

use leptos::{either::Either, prelude::*};

use super::FormCtx;

#[component]
pub fn Done() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let aftercare = move || {
        ctx.template
            .with(|t| t.as_ref().map(|t| t.aftercare.clone()).unwrap_or_default())
    };
    let receipt = move || ctx.receipt.get();
    let queued = move || ctx.draft.with(|d| d.queued);
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
        {move || receipt().filter(|_| !ctx.kiosk).map(|r| {
            let href = format!("/api/v1/submissions/{}/consent.pdf?token={}", r.id, r.receipt_token);
            view! {
                <p>
                    <a class="button primary" id="consent-pdf" href=href.clone() target="_blank" rel="noopener">"Open my signed consent (PDF)"</a>
                </p>
                <p><a href=format!("{href}&download=1")>"Download a copy"</a></p>
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
