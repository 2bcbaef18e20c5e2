//! `/staff/login`.

use leptos::prelude::*;
use serde::de::IgnoredAny;

use crate::{
    browser::{self, SendError},
    domain::api::Credentials,
    pages::PageTitle,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let body = Credentials {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let result =
                browser::post_json::<_, IgnoredAny>("/api/v1/staff/login", &body, &[]).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    // Only our own staff pages: never an address from elsewhere.
                    let next = browser::query_param("next")
                        .filter(|n| n.starts_with("/staff") && !n.starts_with("//"))
                        .unwrap_or_else(|| "/staff".into());
                    browser::navigate(&next);
                }
                Err(SendError::SignedOut) => failure.set(Some("Wrong e-mail or password.".into())),
                Err(SendError::Refused(m) | SendError::Busy(m)) => failure.set(Some(m)),
                Err(_) => failure.set(Some(
                    "The server could not be reached. Try again in a moment.".into(),
                )),
            }
        });
    };
    view! {
        <PageTitle text="Staff sign-in"/>
        <main class="page login">
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <span>"Stipple staff"</span>
            </header>
            <h1>"Sign in"</h1>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="email">"E-mail"</label>
                    <input id="email" name="email" type="email" inputmode="email" autocomplete="username" required
                        aria-describedby="login-error"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        aria-describedby="login-error"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </div>
                <div role="alert" id="login-error">
                    {move || failure.get().map(|f| view! { <p class="error">{f}</p> })}
                </div>
                <button type="submit" class="button primary" id="sign-in" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
