//! `/staff`: the review queue, newest first, with search and filters.

use leptos::prelude::*;

use super::{call, local_time, me, page, urlencode, FlagBadges, StaffShell};
use crate::domain::{
    api::{QueueItem, QueuePage},
    states::ReviewStatus,
};

#[component]
pub fn QueuePage() -> impl IntoView {
    view! { <StaffShell title="Review queue">{page(view! { <Queue/> })}</StaffShell> }
}

#[component]
fn Queue() -> impl IntoView {
    let me = me();
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let items = RwSignal::new(Vec::<QueueItem>::new());
    let next = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let query = move || {
        [("q", q), ("status", status), ("from", from), ("to", to)]
            .iter()
            .filter_map(|(k, v)| {
                let v = v.get_untracked();
                (!v.trim().is_empty()).then(|| format!("{k}={}", urlencode(v.trim())))
            })
            .collect::<Vec<_>>()
            .join("&")
    };
    let csrf = StoredValue::new(me.csrf_token.clone());
    // A page of the queue: the first for the filters (`false`), or the one
    // after those shown (`true`).
    let load = Action::new_local(move |more: &bool| {
        let more = *more;
        let mut url = format!("/api/v1/staff/submissions?limit=50&{}", query());
        if let (true, Some(n)) = (more, next.get_untracked()) {
            url.push_str(&format!("&after={n}"));
        }
        let csrf = csrf.get_value();
        async move {
            (
                more,
                call::<QueuePage>("GET", &url, None::<&()>, &csrf).await,
            )
        }
    });
    let loading = load.pending();
    // Each answer replaces the list, or adds to it.
    Effect::new(move |_| match load.value().get() {
        Some((more, Ok(page))) => {
            problem.set(None);
            if more {
                items.update(|i| i.extend(page.items));
            } else {
                items.set(page.items);
            }
            next.set(page.next);
        }
        Some((_, Err(e))) => problem.set(Some(e)),
        None => {}
    });
    // The first page once in the browser (the server draws no data).
    Effect::new(move |_| {
        load.dispatch(false);
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load.dispatch(false);
    };
    let export_href = move || {
        format!("/api/v1/staff/export.csv?{}", {
            // Read the signals so the link follows the filters.
            let _ = (q.get(), status.get(), from.get(), to.get());
            query()
        })
    };
    view! {
        <form class="filters" role="search" on:submit=search>
            <div class="field">
                <label for="q">"Search name, e-mail or phone"</label>
                <input id="q" type="search" inputmode="search" autocomplete="off" enterkeyhint="search"
                    prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="status">"Status"</label>
                <select id="status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">"Any"</option>
                    {ReviewStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="from">"Received from"</label>
                    <input id="from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="to">"to"</label>
                    <input id="to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
            </div>
            <button type="submit" class="button primary" id="search">"Search"</button>
            {me.is_admin().then(|| view! { <a class="button" href=export_href id="export">"Export CSV"</a> })}
        </form>
        <div role="status" aria-live="polite" class="note">
            {move || if loading.get() { "Loading…".to_string() } else { format!("{} shown", items.with(Vec::len)) }}
        </div>
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        <ul class="queue" id="queue">
            {move || items.get().into_iter().map(|i| view! {
                <li>
                    <a class="queue-item" href=format!("/staff/submissions/{}", i.id)>
                        <span class="name">{i.client_name}</span>
                        <span class=format!("pill {}", i.status.as_str())>{i.status.label()}</span>
                        <span class="meta">
                            {format!("Received {}", local_time(&i.received_at))}
                            {i.appointment_date.map(|d| format!(" · appointment {d}"))}
                        </span>
                        <span class="flags"><FlagBadges flags=i.flags/></span>
                    </a>
                </li>
            }).collect_view()}
        </ul>
        <Show when=move || next.with(Option::is_some)>
            <button type="button" class="button" id="more" on:click=move |_| { load.dispatch(true); }>"Show more"</button>
        </Show>
    }
}
