//! Step 9: each clause read and ticked one by one, the optional marketing
//! photos, and the electronic-signature disclosure.

use leptos::{either::Either, prelude::*};

use super::{
    fields::{field_id, FieldError},
    FormCtx,
};

#[component]
pub fn ConsentStep() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    ctx.ensure_template();
    let loaded = Memo::new(move |_| ctx.template.with(Option::is_some));
    view! {
        // Shown when the text changed after the client first read it.
        <div id=field_id("consent.template_version") tabindex="-1">
            <FieldError path="consent.template_version"/>
        </div>
        {move || if !loaded.get() {
            Either::Left(view! { <p role="status">"Loading the consent text…"</p> })
        } else { Either::Right(view! {
            <p>"Please read each part and tick it to show you agree."</p>
            {move || ctx.template.get().map(|t| view! {
                <p class="note">{format!("{} · consent version {}", t.clinic_name, t.version)}</p>
                {t.clauses.into_iter().map(|c| {
                    let path = format!("consent.accepted.{}", c.id);
                    let id = field_id(&path);
                    let clause_id = c.id.clone();
                    let checked = {
                        let cid = clause_id.clone();
                        move || ctx.draft.with(|d| d.accepted.contains(&cid))
                    };
                    let p = path.clone();
                    view! {
                        <section class="clause" aria-labelledby=format!("{id}-title")>
                            <h2 id=format!("{id}-title")>{c.title.clone()}</h2>
                            <p>{c.text.clone()}</p>
                            <label class="choice" for=id.clone()>
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    prop:checked=checked
                                    aria-describedby=format!("{id}-error")
                                    aria-invalid={
                                        let p = path.clone();
                                        move || ctx.shown.with(|e| e.get(&p).is_some()).to_string()
                                    }
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let cid = clause_id.clone();
                                        ctx.draft.update(|d| {
                                            d.accepted.retain(|a| *a != cid);
                                            if on { d.accepted.push(cid); }
                                        });
                                        ctx.revalidate_if_shown(&p);
                                    }
                                />
                                <span>{if c.required { "I have read this and agree" } else { "I agree (optional)" }}</span>
                            </label>
                            <FieldError path=path.clone()/>
                        </section>
                    }
                }).collect_view()}
            })}
            <section class="clause">
                <h2>"Photos for marketing (optional)"</h2>
                <p>"The clinic may ask to use before-and-after photos of your scalp on its website or social media, never with your name. You can say no and still have your treatment, and change your mind later."</p>
                <label class="choice" for="f-consent-photo_marketing">
                    <input
                        type="checkbox"
                        id="f-consent-photo_marketing"
                        prop:checked=move || ctx.draft.with(|d| d.photo_marketing)
                        on:change=move |ev| { let on = event_target_checked(&ev); ctx.draft.update(|d| d.photo_marketing = on) }
                    />
                    <span>"Yes, my photos may be used for marketing"</span>
                </label>
            </section>
            <section class="clause" aria-labelledby="esign-title">
                <h2 id="esign-title">"Before you sign"</h2>
                <p>"On the next page you sign with your finger and type your name. By doing so:"</p>
                <ul>
                    <li>"you intend to sign this consent, just as on paper;"</li>
                    <li>"you agree to keep and receive this record electronically;"</li>
                    <li>"you may ask the clinic for a paper copy at any time, free of charge."</li>
                </ul>
                <label class="choice" for="f-consent-disclosure">
                    <input
                        type="checkbox"
                        id="f-consent-disclosure"
                        aria-describedby="f-consent-disclosure-error"
                        prop:checked=move || ctx.draft.with(|d| d.esign_disclosure)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            ctx.draft.update(|d| d.esign_disclosure = on);
                            ctx.revalidate_if_shown("consent.disclosure");
                        }
                    />
                    <span>"I understand and agree to sign electronically"</span>
                </label>
                <FieldError path="consent.disclosure"/>
            </section>
        })}}
    }
}
