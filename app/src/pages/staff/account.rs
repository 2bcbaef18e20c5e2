//! `/staff/account`: the signed-in person's password and sessions.

use leptos::prelude::*;

use super::{call, local_time, me, StaffShell};
use crate::domain::api::{PasswordChange, SessionList};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! { <StaffShell title="Your account"><Password/><Sessions/></StaffShell> }
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
