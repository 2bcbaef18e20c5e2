//! `/staff/team` (administrators): the clinic's accounts, their roles,
//! inviting a colleague, password and two-factor resets, and disabling a
//! leaver.

use leptos::{either::Either, prelude::*};

use super::{call, local_time, me, page, StaffShell};
use crate::domain::{
    api::{ColleagueInvited, NewColleague, RoleChange, Team},
    states::{AccountStatus, Role},
};

#[component]
pub fn TeamPage() -> impl IntoView {
    // Bumped by an invitation so the list shows the new colleague.
    let changed = RwSignal::new(0u32);
    view! { <StaffShell title="Team">{page(view! { <Invite changed/><Members changed/> })}</StaffShell> }
}

/// Invite a colleague: their one-time link is e-mailed and shown here once.
#[component]
fn Invite(changed: RwSignal<u32>) -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return Either::Left(());
    }
    let csrf = StoredValue::new(me.csrf_token);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff);
    let send = Action::new_local(move |body: &NewColleague| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move {
            let done =
                call::<ColleagueInvited>("POST", "/api/v1/staff/users", Some(&body), &csrf).await;
            if done.is_ok() {
                changed.update(|n| *n += 1);
            }
            done
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(NewColleague {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: role.get_untracked(),
        });
    };
    let failure = move || send.value().get().and_then(Result::err);
    let invited = move || send.value().get().and_then(Result::ok);
    Either::Right(view! {
        <section class="card">
            <h2>"Invite a colleague"</h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="colleague-email">"E-mail"</label>
                    <input id="colleague-email" type="email" inputmode="email" autocomplete="off" aria-describedby="colleague-error"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="colleague-name">"Name"</label>
                    <input id="colleague-name" type="text" autocomplete="off" aria-describedby="colleague-error"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="colleague-role">"Role"</label>
                    <select id="colleague-role" on:change=move |ev| {
                        if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
                    }>
                        {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == Role::Staff>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div role="alert" id="colleague-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
                <button type="submit" class="button primary" id="invite-colleague" disabled=move || send.pending().get()>"Send invitation"</button>
            </form>
            {move || invited().map(|i| view! {
                <div role="status">
                    <p class="success">{format!("Invitation e-mailed to {}. The link works once, for 24 hours; you can also pass it on yourself:", i.member.email)}</p>
                    <label for="colleague-link">"Their link"</label>
                    <input id="colleague-link" type="text" readonly prop:value=i.link/>
                </div>
            })}
        </section>
    })
}

#[component]
fn Members(changed: RwSignal<u32>) -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return Either::Left(
            view! { <p class="error" role="alert">"The team is managed by administrators."</p> },
        );
    }
    let csrf = StoredValue::new(me.csrf_token);
    let team = LocalResource::new(move || {
        changed.track();
        let csrf = csrf.get_value();
        async move { call::<Team>("GET", "/api/v1/staff/users", None::<&()>, &csrf).await }
    });
    // (path, body): disable, enable, a new role or a reset; the list is
    // read again after, and what was done is said.
    let act = Action::new_local(move |(path, role): &(String, Option<Role>)| {
        let (path, role, csrf) = (path.clone(), *role, csrf.get_value());
        async move {
            let body = role.map(|role| RoleChange { role });
            let done = call::<serde::de::IgnoredAny>("POST", &path, Some(&body), &csrf).await;
            team.refetch();
            done.map(|_| {
                if path.ends_with("/password-reset") {
                    "A one-time link to choose a password is on its way to them by e-mail."
                } else if path.ends_with("/two-factor/reset") {
                    "Two-factor sign-in is off for them and their sessions have ended; they set it up again."
                } else {
                    "Saved."
                }
            })
        }
    });
    let failure = move || act.value().get().and_then(Result::err);
    let said = move || act.value().get().and_then(Result::ok);
    let rows = move || {
        team.get()
            .and_then(Result::ok)
            .map(|t| t.items)
            .unwrap_or_default()
    };
    Either::Right(view! {
        <div role="alert" id="team-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
        <div role="status" id="team-status">{move || said().map(|m| view! { <p class="success">{m}</p> })}</div>
        <ul class="invites" id="team">
            {move || rows().into_iter().map(|m| {
                let id = m.id;
                let active = m.status == AccountStatus::Active;
                let toggle = format!("/api/v1/staff/users/{id}/{}", if active { "disable" } else { "enable" });
                let role_id = format!("role-{id}");
                let action_label = format!("{} {}", if active { "Disable" } else { "Enable" }, m.email);
                let reset = format!("/api/v1/staff/users/{id}/password-reset");
                let reset_label = format!("Send {} a link to choose a password", m.email);
                let reset_2fa = format!("/api/v1/staff/users/{id}/two-factor/reset");
                let reset_2fa_label = format!("Reset two-factor sign-in of {}", m.email);
                let invited = m.status == AccountStatus::Invited;
                view! {
                    <li data-id=id.to_string()>
                        <strong>{m.name}</strong>" "
                        <span class=format!("pill {}", m.status.as_str())>{m.status.label()}</span>
                        <p class="meta">{format!("{} · last sign-in {} · two-factor {}", m.email,
                            m.last_login_at.as_ref().map(local_time).unwrap_or_else(|| "never".into()),
                            if m.two_factor { "on" } else { "off" })}</p>
                        <div class="field">
                        <label for=role_id.clone()>"Role"</label>
                        <select id=role_id on:change=move |ev| {
                            if let Some(role) = Role::parse(&event_target_value(&ev)) {
                                act.dispatch((format!("/api/v1/staff/users/{id}/role"), Some(role)));
                            }
                        }>
                            {Role::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=*r == m.role>{r.label()}</option>
                            }).collect_view()}
                        </select>
                        </div>
                        <div class="actions">
                        {(m.status != AccountStatus::Disabled).then(|| view! {
                            <button type="button" class="button small" aria-label=reset_label on:click=move |_| { act.dispatch((reset.clone(), None)); }>
                                {if invited { "Send invitation again" } else { "Send password link" }}
                            </button>
                        })}
                        {m.two_factor.then(|| view! {
                            <button type="button" class="button small" aria-label=reset_2fa_label on:click=move |_| { act.dispatch((reset_2fa.clone(), None)); }>
                                "Reset two-factor"
                            </button>
                        })}
                        {(!invited).then(|| view! {
                            <button type="button" class="button small" aria-label=action_label on:click=move |_| { act.dispatch((toggle.clone(), None)); }>
                                {if active { "Disable" } else { "Enable" }}
                            </button>
                        })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="note">"A disabled account cannot sign in and its sessions end at once; its history stays. No one ever sees or sets another person's password: links go to the colleague."</p>
    })
}
