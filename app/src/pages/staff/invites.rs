//! `/staff/invites`: create an appointment invite and follow its progress.

use leptos::prelude::*;

use super::{call, local_time, me, page, StaffShell};
use crate::domain::api::{Invite, InviteList, NewInvite};

#[component]
pub fn InvitesPage() -> impl IntoView {
    view! { <StaffShell title="Appointment invites">{page(view! { <Invites/> })}</StaffShell> }
}

#[component]
fn Invites() -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let send = RwSignal::new(true);
    let list = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move { call::<InviteList>("GET", "/api/v1/staff/invites", None::<&()>, &csrf).await }
    });
    let items = move || {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.items)
            .unwrap_or_default()
    };
    let create = Action::new_local(move |body: &NewInvite| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move { call::<Invite>("POST", "/api/v1/staff/invites", Some(&body), &csrf).await }
    });
    // Deleting an invite ends its link and deletes its invitation e-mail.
    let delete = Action::new_local(move |id: &String| {
        let (url, csrf) = (format!("/api/v1/staff/invites/{id}"), csrf.get_value());
        async move {
            let done = call::<()>("DELETE", &url, None::<&()>, &csrf).await;
            list.refetch();
            done
        }
    });
    let delete_failure = move || delete.value().get().and_then(Result::err);
    let busy = create.pending();
    let created = move || create.value().get().and_then(Result::ok);
    let failure = move || create.value().get().and_then(Result::err);
    // A new invite: the form is emptied and the list read again.
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            for s in [name, email, phone, when] {
                s.set(String::new());
            }
            list.refetch();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewInvite {
            client_name: name.get_untracked(),
            email: Some(email.get_untracked()),
            phone: Some(phone.get_untracked()),
            appointment_at: when.get_untracked(),
            send_email: send.get_untracked(),
            language: None,
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
                <div role="alert" id="invite-error">{move || failure().map(|f| view! { <p class="error">{f}</p> })}</div>
                <button type="submit" class="button primary" id="create-invite" disabled=move || busy.get()>"Create invite"</button>
            </form>
            <div role="status">
                {move || created().map(|i| view! {
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
                {move || items().into_iter().map(|i| {
                    let (id, who) = (i.id.to_string(), i.client_name.clone());
                    view! {
                    <li data-id=i.id.to_string()>
                        <strong>{i.client_name}</strong>
                        <span class=format!("pill {}", i.status.as_str())>{i.status.label()}</span>
                        <span class="meta">
                            {format!("{} · {} · expires {}", i.appointment_local,
                                i.email.or(i.phone).unwrap_or_default(), local_time(&i.expires_at))}
                        </span>
                        <button type="button" class="button small" aria-label=format!("Delete the invite for {who}")
                            on:click=move |_| {
                                if crate::browser::confirm("Delete this invite? Its link stops working and its e-mail is deleted.") {
                                    delete.dispatch(id.clone());
                                }
                            }>"Delete"</button>
                    </li>
                }}).collect_view()}
            </ul>
            <div role="alert">{move || delete_failure().map(|f| view! { <p class="error">{f}</p> })}</div>
        </section>
    }
}
