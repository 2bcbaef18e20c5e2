use crate::pages::PageTitle;
use leptos::prelude::*;

/// The first page a client sees, usually from a link the clinic sent.
#[component]
pub fn Landing() -> impl IntoView {
    let (show_steps, set_show_steps) = signal(false);
    view! {
        <PageTitle text="Your visit"/>
        <main class="page landing">
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="48" height="48"/>
                <span>"Stipple"</span>
            </header>
            <h1>"Before your scalp micropigmentation visit"</h1>
            <p class="lead">
                "Tell the clinic about your hair, your health and your goals, then read and sign the consent. "
                "It takes about 10 minutes, and your answers are saved on this phone as you go."
            </p>
            <a class="button primary" href="/intake">"Start my intake"</a>
            <section class="steps" aria-labelledby="steps-title">
                <h2 id="steps-title">"What to expect"</h2>
                <button
                    type="button"
                    class="button secondary"
                    id="toggle-steps"
                    aria-expanded=move || show_steps.get().to_string()
                    aria-controls="steps-list"
                    on:click=move |_| set_show_steps.update(|v| *v = !*v)
                >
                    {move || if show_steps.get() { "Hide the steps" } else { "Show the steps" }}
                </button>
                <ol id="steps-list" hidden=move || !show_steps.get()>
                    <li>"About you, your hair loss, scars and any earlier transplants."</li>
                    <li>"Medical questions, so your practitioner can plan a safe treatment."</li>
                    <li>"Comfort, lifestyle and the look you want."</li>
                    <li>"Read each consent clause, then sign with your finger."</li>
                    <li>"Staff review everything before your appointment."</li>
                </ol>
            </section>
            <p class="note">
                "SMP is a cosmetic tattoo that imitates hair follicles. It does not regrow hair, "
                "and several sessions are usually needed."
            </p>
        </main>
    }
}
