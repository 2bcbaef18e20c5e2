//! `/staff/join#token`: a colleague chooses their password with a one-time
//! link (joining the team, or a reset an administrator sent). The token is
//! read from after `#`, so it never reaches a server log, and is taken out
//! of the address bar at once.

use leptos::{either::EitherOf4, prelude::*};

use crate::{
    browser,
    domain::{
        api::{LinkInfo, LinkPassword, LinkToken},
        states::StaffLinkPurpose,
    },
    pages::PageTitle,
};

/// The link endpoints never answer 401; anything else in the server's words.
fn say(e: crate::browser::SendError) -> String {
    super::refusal(
        e,
        "This link does not work: ask an administrator for a new one.",
    )
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let token = StoredValue::new(None::<String>);
    // What the link is for, read once from the page's fragment (which is
    // then taken off the address).
    let info = LocalResource::new(move || {
        let t = browser::take_fragment();
        token.set_value(t.clone());
        async move {
            let Some(t) = t else {
                return Err(
                    "This page opens from the link in your invitation or reset e-mail.".into(),
                );
            };
            browser::post_json::<_, LinkInfo>("/api/v1/staff/link", &LinkToken { token: t }, &[])
                .await
                .map_err(say)
        }
    });
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let choose = Action::new_local(move |body: &LinkPassword| {
        let body = body.clone();
        async move {
            match browser::post_json::<_, serde::de::IgnoredAny>(
                "/api/v1/staff/link/password",
                &body,
                &[],
            )
            .await
            {
                Ok(_) => done.set(true),
                Err(e) => failure.set(Some(say(e))),
            }
        }
    });
    let busy = choose.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if password.get_untracked() != again.get_untracked() {
            failure.set(Some(
                "The two passwords are not the same: type it again in both boxes.".into(),
            ));
            return;
        }
        let Some(t) = token.get_value() else { return };
        failure.set(None);
        choose.dispatch(LinkPassword {
            token: t,
            new_password: password.get_untracked(),
        });
    };
    view! {
        <PageTitle text="Choose your password"/>
        <main class="page login">
            <header class="brand">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <span>"Stipple staff"</span>
            </header>
            <h1>"Choose your password"</h1>
            {move || match info.get() {
                None => EitherOf4::A(view! { <p class="note" aria-busy="true">"Checking the link…"</p> }),
                Some(Err(why)) => EitherOf4::B(view! { <p class="error" role="alert" id="join-error">{why}</p> }),
                Some(Ok(_)) if done.get() => EitherOf4::C(view! {
                    <p class="success" role="status" id="join-done">"Your password is set."</p>
                    <a class="button primary" href="/staff/login" id="go-sign-in">"Sign in"</a>
                }),
                Some(Ok(i)) => EitherOf4::D(view! {
                    <p id="join-welcome">{match i.purpose {
                        StaffLinkPurpose::Join => format!("Welcome, {}. Choose the password you will sign in with as {}.", i.name, i.email),
                        StaffLinkPurpose::Reset => format!("Choose a new password for {}.", i.email),
                    }}</p>
                    <form on:submit=submit>
                        // For password managers: which account this password is for.
                        <input type="email" autocomplete="username" value=i.email hidden readonly/>
                        <div class="field">
                            <label for="new-password">"Password"</label>
                            <p class="hint" id="new-password-hint">"At least 12 characters, not easy to guess: a few unrelated words work well."</p>
                            <input id="new-password" type="password" autocomplete="new-password" aria-describedby="new-password-hint join-error"
                                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="new-password-again">"The same password again"</label>
                            <input id="new-password-again" type="password" autocomplete="new-password" aria-describedby="join-error"
                                prop:value=move || again.get() on:input=move |ev| again.set(event_target_value(&ev))/>
                        </div>
                        <div role="alert" id="join-error">{move || failure.get().map(|f| view! { <p class="error">{f}</p> })}</div>
                        <button type="submit" class="button primary" id="set-password" disabled=move || busy.get()>"Set password"</button>
                    </form>
                }),
            }}
        </main>
    }
}
