//! `/staff/account`: the signed-in person's two-factor sign-in, password
//! and sessions.

use leptos::{either::EitherOf4, prelude::*};

use super::{call, local_time, me, page, StaffShell};
use crate::{
    browser,
    domain::{
        api::{PasswordChange, RecoveryCodes, SessionList, TwoFactorCode, TwoFactorSetup},
        states::SessionStage,
    },
};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <StaffShell title="Your account">
            {page(view! {
                <TwoFactor/>
                {(me().stage == SessionStage::Ready).then(|| view! { <Password/><Sessions/> })}
            })}
        </StaffShell>
    }
}

/// Setting up two-factor sign-in: scan or type the secret, confirm with a
/// first code, keep the recovery codes.
#[component]
fn TwoFactor() -> impl IntoView {
    let me = me();
    let must = me.stage == SessionStage::Enrol;
    let csrf = StoredValue::new(me.csrf_token);
    let code = RwSignal::new(String::new());
    let start = Action::new_local(move |_: &()| {
        let csrf = csrf.get_value();
        async move {
            call::<TwoFactorSetup>("POST", "/api/v1/staff/two-factor/setup", None::<&()>, &csrf)
                .await
        }
    });
    let confirm = Action::new_local(move |body: &TwoFactorCode| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move {
            call::<RecoveryCodes>(
                "POST",
                "/api/v1/staff/two-factor/confirm",
                Some(&body),
                &csrf,
            )
            .await
        }
    });
    let setup = move || start.value().get().and_then(Result::ok);
    let codes = move || confirm.value().get().and_then(Result::ok);
    let failure = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| start.value().get().and_then(Result::err))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(TwoFactorCode {
            code: code.get_untracked(),
        });
    };
    let on = me.two_factor;
    view! {
        <section class="card" id="two-factor">
            <h2>"Two-factor sign-in"</h2>
            {must.then(|| view! {
                <p class="note" role="status">"The clinic asks everyone in your role to sign in with a code from an authenticator app as well as the password. Set it up to continue."</p>
            })}
            {move || match (on, setup(), codes()) {
                (true, _, _) => EitherOf4::A(view! {
                    <p id="two-factor-state">"On: signing in asks for a code from your authenticator app. Lost the phone and the recovery codes? An administrator can reset it."</p>
                }),
                (false, _, Some(c)) => EitherOf4::B(view! {
                    <p class="success" role="status" id="two-factor-state">"Two-factor sign-in is on."</p>
                    <p>"Keep these recovery codes somewhere safe, away from your phone: each signs you in once if the phone is lost. They are shown only now."</p>
                    <ol class="recovery-codes" id="recovery-codes">
                        {c.codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <button type="button" class="button primary" id="codes-saved" on:click=move |_| browser::navigate("/staff")>
                        "I have saved the codes"
                    </button>
                }),
                (false, Some(s), None) => EitherOf4::C(view! {
                    <ol class="steps">
                        <li>"Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 2FAS) and add an account."</li>
                        <li>"Scan this code, or type the key below."</li>
                    </ol>
                    // Drawn on the server from our own otpauth URI: no text of anyone's in it.
                    <div class="qr" role="img" aria-label="QR code for the authenticator app" inner_html=s.qr_svg></div>
                    <p>"Key: "<code id="totp-secret" class="secret">{s.secret}</code></p>
                    <form on:submit=submit>
                        <div class="field">
                            <label for="enrol-code">"Code the app shows"</label>
                            <input id="enrol-code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                aria-describedby="two-factor-error"
                                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                        </div>
                        <div role="alert" id="two-factor-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
                        <button type="submit" class="button primary" id="confirm-two-factor" disabled=move || confirm.pending().get()>"Turn on"</button>
                    </form>
                }),
                (false, None, None) => EitherOf4::D(view! {
                    <p id="two-factor-state">"Off: signing in needs only your password."</p>
                    <div role="alert" id="two-factor-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
                    <button type="button" class="button primary" id="start-two-factor" disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(()); }>"Set up two-factor sign-in"</button>
                }),
            }}
        </section>
    }
}

#[component]
fn Password() -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let change = Action::new_local(move |body: &PasswordChange| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move { call::<()>("POST", "/api/v1/staff/password", Some(&body), &csrf).await }
    });
    let done = move || change.value().with(|v| matches!(v, Some(Ok(_))));
    let failure = move || change.value().get().and_then(Result::err);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(PasswordChange {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        });
    };
    view! {
        <section class="card">
            <h2>"Change your password"</h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" type="password" autocomplete="current-password" aria-describedby="password-error"
                        prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <p class="hint" id="new-password-hint">"At least 12 characters, not easy to guess: a few unrelated words work well."</p>
                    <input id="new-password" type="password" autocomplete="new-password" aria-describedby="new-password-hint password-error"
                        prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev))/>
                </div>
                <div role="alert" id="password-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
                <div role="status">{move || done().then(|| view! { <p class="success">"Password changed. You were signed out everywhere else."</p> })}</div>
                <button type="submit" class="button primary" id="change-password" disabled=move || change.pending().get()>"Change password"</button>
            </form>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let list = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move { call::<SessionList>("GET", "/api/v1/staff/sessions", None::<&()>, &csrf).await }
    });
    let end = Action::new_local(move |id: &String| {
        let (url, csrf) = (format!("/api/v1/staff/sessions/{id}"), csrf.get_value());
        async move {
            let done = call::<()>("DELETE", &url, None::<&()>, &csrf).await;
            list.refetch();
            done
        }
    });
    let rows = move || {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.items)
            .unwrap_or_default()
    };
    view! {
        <section class="card">
            <h2>"Where you are signed in"</h2>
            <ul class="invites" id="sessions">
                {move || rows().into_iter().map(|s| {
                    let id = s.id.clone();
                    view! {
                        <li>
                            <strong>{if s.current { "This browser".to_string() } else { s.device.clone().unwrap_or_else(|| "Unknown browser".into()) }}</strong>
                            <p class="meta">{format!("{} · last seen {} · signed in {}",
                                s.ip.unwrap_or_default(), local_time(&s.last_seen_at), local_time(&s.created_at))}</p>
                            {(!s.current).then(|| view! {
                                <button type="button" class="button small" on:click=move |_| { end.dispatch(id.clone()); }>"End"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
