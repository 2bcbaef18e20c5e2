//! `/staff/integrations` (administrators): API tokens for the clinic's
//! booking system, and webhook endpoints with their delivery log.

use leptos::{either::Either, prelude::*};

use super::{call, choices, local_time, me, page, StaffShell};
use crate::domain::{
    api::{
        ApiToken, ApiTokenList, NewApiToken, NewWebhookEndpoint, WebhookDeliveryList,
        WebhookEndpoint, WebhookEndpointList,
    },
    states::{ApiScope, WebhookEvent},
};

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    view! { <StaffShell title="Integrations">{page(view! { <Integrations/> })}</StaffShell> }
}

#[component]
fn Integrations() -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return Either::Left(
            view! { <p class="error" role="alert">"Integrations are for administrators."</p> },
        );
    }
    let csrf = StoredValue::new(me.csrf_token);
    Either::Right(view! {
        <Tokens csrf/>
        <Webhooks csrf/>
    })
}

fn token_state(t: &ApiToken) -> String {
    match (&t.revoked_at, &t.expires_at) {
        (Some(at), _) => format!("revoked {}", local_time(at)),
        (None, Some(at)) => format!("expires {}", local_time(at)),
        (None, None) => "no expiry".into(),
    }
}

#[component]
fn Tokens(csrf: StoredValue<String>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec![ApiScope::InvitesWrite.as_str()]);
    let list = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move {
            call::<ApiTokenList>(
                "GET",
                "/api/v1/staff/integrations/tokens",
                None::<&()>,
                &csrf,
            )
            .await
        }
    });
    let create = Action::new_local(move |body: &NewApiToken| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move {
            let made = call::<ApiToken>(
                "POST",
                "/api/v1/staff/integrations/tokens",
                Some(&body),
                &csrf,
            )
            .await;
            list.refetch();
            made
        }
    });
    let revoke = Action::new_local(move |id: &String| {
        let (url, csrf) = (
            format!("/api/v1/staff/integrations/tokens/{id}"),
            csrf.get_value(),
        );
        async move {
            let done = call::<()>("DELETE", &url, None::<&()>, &csrf).await;
            list.refetch();
            done
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewApiToken {
            name: name.get_untracked(),
            scopes: scopes
                .get_untracked()
                .into_iter()
                .filter_map(ApiScope::parse)
                .collect(),
            expires_on: Some(expires.get_untracked()),
        });
    };
    view! {
        <section class="card">
            <h2>"API tokens"</h2>
            <p class="meta">"A booking system sends " <code>"Authorization: Bearer <token>"</code>
                " to the routes its scopes allow. A token never reaches erasure or accounts."</p>
            <form on:submit=submit>
                <div class="field">
                    <label for="token-name">"Name (shown in the audit log)"</label>
                    <input id="token-name" type="text" autocomplete="off" aria-describedby="token-error"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                {choices("token-scopes", "Scopes", ApiScope::ALL.iter().map(|s| (s.as_str(), format!("{} ({})", s.label(), s.as_str()))).collect(), scopes)}
                <div class="field">
                    <label for="token-expires">"Last day it works (optional)"</label>
                    <input id="token-expires" type="date"
                        prop:value=move || expires.get() on:input=move |ev| expires.set(event_target_value(&ev))/>
                </div>
                <div role="alert" id="token-error">
                    {move || create.value().get().and_then(Result::err).map(|f| view! { <p class="error">{f}</p> })}
                </div>
                <button type="submit" class="button primary" id="create-token" disabled=move || create.pending().get()>"Create token"</button>
            </form>
            <div role="status">
                {move || create.value().get().and_then(Result::ok).map(|t| view! {
                    <div class="success">
                        <p>{format!("Token “{}” created. Copy it now: it is not shown again.", t.name)}</p>
                        <input class="link" id="token-secret" type="text" readonly aria-label="New API token" value=t.secret.unwrap_or_default()/>
                    </div>
                })}
            </div>
            <ul class="invites" id="tokens">
                {move || list.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default().into_iter().map(|t| {
                    let (id, live, who) = (t.id.to_string(), t.revoked_at.is_none(), t.name.clone());
                    view! {
                        <li>
                            <strong>{t.name.clone()}</strong>" "
                            <span class="meta">{format!("{}… · {} · {} · last used {}",
                                t.prefix,
                                t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                                token_state(&t),
                                t.last_used_at.as_ref().map_or_else(|| "never".to_string(), local_time))}</span>" "
                            {live.then(|| view! {
                                <button type="button" class="button small" aria-label=format!("Revoke the token {who}")
                                    on:click=move |_| {
                                        if crate::browser::confirm("Revoke this token? Systems using it stop working at once.") {
                                            revoke.dispatch(id.clone());
                                        }
                                    }>"Revoke"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Webhooks(csrf: StoredValue<String>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let events = RwSignal::new(
        WebhookEvent::ALL
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>(),
    );
    let list = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move {
            call::<WebhookEndpointList>(
                "GET",
                "/api/v1/staff/integrations/webhooks",
                None::<&()>,
                &csrf,
            )
            .await
        }
    });
    let create = Action::new_local(move |body: &NewWebhookEndpoint| {
        let (body, csrf) = (body.clone(), csrf.get_value());
        async move {
            let made = call::<WebhookEndpoint>(
                "POST",
                "/api/v1/staff/integrations/webhooks",
                Some(&body),
                &csrf,
            )
            .await;
            list.refetch();
            made
        }
    });
    // Enable, delete and resend: a method and a path, then the list again.
    let act = Action::new_local(move |(method, path): &(&'static str, String)| {
        let (method, url, csrf) = (*method, path.clone(), csrf.get_value());
        async move {
            let done = call::<serde::de::IgnoredAny>(method, &url, Some(&()), &csrf)
                .await
                .map(|_| ());
            list.refetch();
            done
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewWebhookEndpoint {
            url: url.get_untracked(),
            description: description.get_untracked(),
            events: events
                .get_untracked()
                .into_iter()
                .filter_map(WebhookEvent::parse)
                .collect(),
        });
    };
    view! {
        <section class="card">
            <h2>"Webhooks"</h2>
            <p class="meta">"Signed as the Standard Webhooks specification says; they carry ids, times and status, never answers."</p>
            <form on:submit=submit>
                <div class="field">
                    <label for="hook-url">"Address (https://…)"</label>
                    <input id="hook-url" type="url" inputmode="url" autocomplete="off" aria-describedby="hook-error"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="hook-description">"Description"</label>
                    <input id="hook-description" type="text" autocomplete="off"
                        prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/>
                </div>
                {choices("hook-events", "Events", WebhookEvent::ALL.iter().map(|e| (e.as_str(), format!("{} ({})", e.label(), e.as_str()))).collect(), events)}
                <div role="alert" id="hook-error">
                    {move || create.value().get().and_then(Result::err).map(|f| view! { <p class="error">{f}</p> })}
                    {move || act.value().get().and_then(Result::err).map(|f| view! { <p class="error">{f}</p> })}
                </div>
                <button type="submit" class="button primary" id="create-hook" disabled=move || create.pending().get()>"Add endpoint"</button>
            </form>
            <div role="status">
                {move || create.value().get().and_then(Result::ok).map(|e| view! {
                    <div class="success">
                        <p>"Endpoint added. Its signing secret, shown only now:"</p>
                        <input class="link" id="hook-secret" type="text" readonly aria-label="Signing secret" value=e.secret.unwrap_or_default()/>
                    </div>
                })}
            </div>
            <ul class="invites" id="hooks">
                {move || list.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default().into_iter().map(|e| {
                    view! { <li><Endpoint e csrf act/></li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Endpoint(
    e: WebhookEndpoint,
    csrf: StoredValue<String>,
    act: Action<(&'static str, String), Result<(), String>>,
) -> impl IntoView {
    let base = format!("/api/v1/staff/integrations/webhooks/{}", e.id);
    let open = RwSignal::new(false);
    let log_url = format!("{base}/deliveries");
    let resend_base = log_url.clone();
    let log = LocalResource::new(move || {
        let (csrf, url, shown) = (csrf.get_value(), log_url.clone(), open.get());
        async move {
            if !shown {
                return Ok(WebhookDeliveryList { items: Vec::new() });
            }
            call::<WebhookDeliveryList>("GET", &url, None::<&()>, &csrf).await
        }
    });
    let state = match (&e.disabled_reason, &e.failing_since) {
        (Some(why), _) => why.clone(),
        (None, Some(since)) => format!("failing since {}", local_time(since)),
        (None, None) => "working".into(),
    };
    let (enable, remove) = (format!("{base}/enable"), base.clone());
    view! {
        <strong>{e.url.clone()}</strong>" "
        <span class="meta">{format!("{} · {} · {} waiting · {}", e.description,
            e.events.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "), e.pending, state)}</span>" "
        <button type="button" class="button small" aria-expanded=move || open.get().to_string()
            on:click=move |_| { open.update(|o| *o = !*o); log.refetch(); }>"Deliveries"</button>
        {e.disabled_at.is_some().then(|| view! {
            <button type="button" class="button small" on:click=move |_| { act.dispatch(("POST", enable.clone())); }>"Enable"</button>
        })}
        <button type="button" class="button small" aria-label=format!("Remove the endpoint {}", e.url)
            on:click=move |_| {
                if crate::browser::confirm("Remove this endpoint? Messages still waiting for it are dropped.") {
                    act.dispatch(("DELETE", remove.clone()));
                }
            }>"Remove"</button>
        <ul class="audit" hidden=move || !open.get() aria-label="Deliveries">
            {move || log.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default().into_iter().map(|d| {
                let again = format!("{resend_base}/{}/resend", d.id);
                view! {
                    <li>
                        <strong>{d.event.as_str()}</strong>" "
                        <span class="meta">{format!("{} · {} after {} attempt(s) · {} {}",
                            local_time(&d.created_at), d.status.label(), d.attempts,
                            d.last_status_code.map_or_else(|| "no answer".to_string(), |c| format!("HTTP {c}")),
                            d.last_error.unwrap_or_default())}</span>" "
                        <button type="button" class="button small" on:click=move |_| { act.dispatch(("POST", again.clone())); }>"Resend"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
