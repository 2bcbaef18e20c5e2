//! `/staff/invites`: create an appointment invite and follow its progress.

use leptos::prelude::*;

use super::{call, local_time, me, StaffShell};
use crate::domain::api::{Invite, InviteList, NewInvite};

#[component]
pub fn InvitesPage() -> impl IntoView {
    view! { <StaffShell title="Appointment invites"><Invites/></StaffShell> }
}

#[component]
fn Invites() -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let send = RwSignal::new(true);
    let created = RwSignal::new(None::<Invite>);
    let failure = RwSignal::new(None::<String>);
    let items = RwSignal::new(Vec::<Invite>::new());
    let busy = RwSignal::new(false);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(l) = call::<InviteList>(
                "GET",
                "/api/v1/staff/invites",
                None::<&()>,
                &csrf.get_value(),
            )
            .await
            {
                items.set(l.items);
            }
        });
    };
    Effect::new(move |_| reload());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        failure.set(None);
        let body = NewInvite {
            client_name: name.get_untracked(),
            email: Some(email.get_untracked()),
            phone: Some(phone.get_untracked()),
            appointment_at: when.get_untracked(),
            send_email: send.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let result = call::<Invite>(
                "POST",
                "/api/v1/staff/invites",
                Some(&body),
                &csrf.get_value(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(i) => {
                    created.set(Some(i));
                    for s in [name, email, phone, when] {
                        s.set(String::new());
                    }
                    reload();
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let text = |id: &'static str,
                label: &'static str,
                kind: &'static str,
                auto: &'static str,
                mode: &'static str,
                sig: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind autocomplete=auto inputmode=mode aria-describedby="invite-error"
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>"New invite"</h2>
            <form on:submit=submit>
                {text("invite-name", "Client's name", "text", "off", "text", name)}
                {text("invite-email", "E-mail", "email", "off", "email", email)}
                {text("invite-phone", "Phone", "tel", "off", "tel", phone)}
                {text("invite-when", "Appointment (clinic time)", "datetime-local", "off", "text", when)}
                <div class="field checkbox">
                    <input id="invite-send" type="checkbox" prop:checked=move || send.get() on:change=move |ev| send.set(event_target_checked(&ev))/>
                    <label for="invite-send">"E-mail the link to the client"</label>
                </div>
                <div role="alert" id="invite-error">{move || failure.get().map(|f| view! { <p class="error">{f}</p> })}</div>
                <button type="submit" class="button primary" id="create-invite" disabled=move || busy.get()>"Create invite"</button>
            </form>
            <div role="status">
                {move || created.get().map(|i| view! {
                    <div class="success">
                        <p>{format!("Invite for {} created ({}).", i.client_name, i.status.label())}</p>
                        <p>"Personal link (shown only now):"</p>
                        <input class="link" id="invite-link" type="text" readonly aria-label="Personal intake link" value=i.link.unwrap_or_default()/>
                    </div>
                })}
            </div>
        </section>
        <section class="card">
            <h2>"Recent invites"</h2>
            <ul class="invites" id="invites">
                {move || items.get().into_iter().map(|i| view! {
                    <li data-id=i.id.to_string()>
                        <strong>{i.client_name}</strong>
                        <span class=format!("pill {}", i.status.as_str())>{i.status.label()}</span>
                        <span class="meta">
                            {format!("{} · {} · expires {}", i.appointment_local,
                                i.email.or(i.phone).unwrap_or_default(), local_time(&i.expires_at))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
