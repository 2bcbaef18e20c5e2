//! `/staff/team` (administrators): the clinic's accounts, their roles, and
//! disabling a leaver.

use leptos::prelude::*;

use super::{call, local_time, me, StaffShell};
use crate::domain::{
    api::{RoleChange, Team},
    states::{AccountStatus, Role},
};

#[component]
pub fn TeamPage() -> impl IntoView {
    view! { <StaffShell title="Team"><Members/></StaffShell> }
}

#[component]
fn Members() -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return view! { <p class="error" role="alert">"The team is managed by administrators."</p> }
            .into_any();
    }
    let csrf = StoredValue::new(me.csrf_token);
    let team = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move { call::<Team>("GET", "/api/v1/staff/users", None::<&()>, &csrf).await }
    });
    // (path, body): disable, enable, or a new role; the list is read again after.
    let act = Action::new_local(move |(path, role): &(String, Option<Role>)| {
        let (path, role, csrf) = (path.clone(), *role, csrf.get_value());
        async move {
            let body = role.map(|role| RoleChange { role });
            let done = call::<()>("POST", &path, Some(&body), &csrf).await;
            team.refetch();
            done
        }
    });
    let failure = move || act.value().get().and_then(Result::err);
    let rows = move || {
        team.get()
            .and_then(Result::ok)
            .map(|t| t.items)
            .unwrap_or_default()
    };
    view! {
        <div role="alert" id="team-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
        <ul class="invites" id="team">
            {move || rows().into_iter().map(|m| {
                let id = m.id;
                let active = m.status == AccountStatus::Active;
                let toggle = format!("/api/v1/staff/users/{id}/{}", if active { "disable" } else { "enable" });
                let role_id = format!("role-{id}");
                let action_label = format!("{} {}", if active { "Disable" } else { "Enable" }, m.email);
                view! {
                    <li data-id=id.to_string()>
                        <strong>{m.name}</strong>" "
                        <span class=format!("pill {}", m.status.as_str())>{m.status.label()}</span>
                        <p class="meta">{format!("{} · last sign-in {}", m.email,
                            m.last_login_at.as_ref().map(local_time).unwrap_or_else(|| "never".into()))}</p>
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
                        <button type="button" class="button small" aria-label=action_label on:click=move |_| { act.dispatch((toggle.clone(), None)); }>
                            {if active { "Disable" } else { "Enable" }}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="note">"A disabled account cannot sign in and its sessions end at once; its history stays. New accounts: "<code>"stipple create-staff"</code>"."</p>
    }
    .into_any()
}
