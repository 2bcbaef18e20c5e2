//! `/staff/login`: the password, then the two-factor code when the account
//! has one.

use leptos::prelude::*;

use crate::{
    browser,
    domain::{
        api::{Credentials, StaffSession, TwoFactorCode},
        states::SessionStage,
    },
    pages::PageTitle,
};

/// Where a finished sign-in goes: only our own staff pages, never an
/// address from elsewhere.
fn go_on(session: &StaffSession) {
    if session.stage == SessionStage::Enrol {
        browser::navigate("/staff/account");
        return;
    }
    let next = browser::query_param("next")
        .filter(|n| n.starts_with("/staff") && !n.starts_with("//"))
        .unwrap_or_else(|| "/staff".into());
    browser::navigate(&next);
}

use super::refusal as say;

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // Set once the password was right and a code is asked for.
    let waiting = RwSignal::new(None::<StaffSession>);
    let failure = RwSignal::new(None::<String>);
    // The password, then (when the account has one) the code.
    let send = Action::new_local(move |pending: &Option<StaffSession>| {
        let pending = pending.clone();
        let credentials = Credentials {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let code_body = TwoFactorCode {
            code: code.get_untracked(),
        };
        async move {
            let result = match &pending {
                None => {
                    browser::post_json::<_, StaffSession>("/api/v1/staff/login", &credentials, &[])
                        .await
                }
                Some(p) => {
                    browser::post_json::<_, StaffSession>(
                        "/api/v1/staff/login/code",
                        &code_body,
                        &[("X-CSRF-Token", p.csrf_token.as_str())],
                    )
                    .await
                }
            };
            match (result, pending.is_some()) {
                (Ok(s), _) if s.stage == SessionStage::Code => {
                    waiting.set(Some(s));
                    browser::focus("code");
                }
                (Ok(s), _) => go_on(&s),
                (Err(e), false) => failure.set(Some(say(e, "Wrong e-mail or password."))),
                (Err(e), true) => {
                    code.set(String::new());
                    failure.set(Some(say(
                        e,
                        "That code is not right, or was used already. Type the code your app shows now.",
                    )));
                }
            }
        }
    });
    let busy = send.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        send.dispatch(waiting.get_untracked());
    };
    let asking_code = move || waiting.with(Option::is_some);
    view! {
        <PageTitle text="Staff sign-in"/>
        <main class="page login">
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <span>"Stipple staff"</span>
            </header>
            <h1>"Sign in"</h1>
            <form on:submit=submit novalidate>
                <Show when=move || !asking_code()>
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
                </Show>
                <Show when=asking_code>
                    <div class="field">
                        <label for="code">"Code from your authenticator app"</label>
                        <p class="hint" id="code-hint">"Six digits, within five minutes. Lost your phone? Type one of your recovery codes instead."</p>
                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required
                            aria-describedby="code-hint login-error"
                            prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <div role="alert" id="login-error">
                    {move || failure.get().map(|f| view! { <p class="error">{f}</p> })}
                </div>
                <button type="submit" class="button primary" id="sign-in" disabled=move || busy.get()>
                    {move || match (busy.get(), asking_code()) {
                        (true, _) => "Signing in…",
                        (false, true) => "Confirm code",
                        (false, false) => "Sign in",
                    }}
                </button>
            </form>
        </main>
    }
}
