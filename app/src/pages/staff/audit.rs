//! `/staff/audit` (administrators): who did what, when, from where.

use leptos::{either::Either, prelude::*};

use super::{call, local_time, me, page, StaffShell};
use crate::domain::{api::AuditPage as Page, states::AuditAction};

#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <StaffShell title="Audit log">{page(view! { <Audit/> })}</StaffShell> }
}

#[component]
fn Audit() -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return Either::Left(
            view! { <p class="error" role="alert">"The audit log is for administrators."</p> },
        );
    }
    let csrf = StoredValue::new(me.csrf_token);
    let action = RwSignal::new(String::new());
    // Read again whenever the chosen action changes.
    let page = LocalResource::new(move || {
        let a = action.get();
        let url = if a.is_empty() {
            "/api/v1/staff/audit?limit=200".to_string()
        } else {
            format!("/api/v1/staff/audit?limit=200&action={a}")
        };
        let csrf = csrf.get_value();
        async move { call::<Page>("GET", &url, None::<&()>, &csrf).await }
    });
    let items = move || {
        page.get()
            .and_then(Result::ok)
            .map(|p| p.items)
            .unwrap_or_default()
    };
    let problem = move || page.get().and_then(Result::err);
    Either::Right(view! {
        <div class="field">
            <label for="audit-action">"Action"</label>
            <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                <option value="">"All"</option>
                {AuditAction::ALL.iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
        </div>
        {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        <ol class="audit" id="audit">
            {move || items().into_iter().map(|e| view! {
                <li>
                    <strong>{e.action.label()}</strong>
                    {format!(" · {} · {} · {}", local_time(&e.at), e.staff.unwrap_or_else(|| "—".into()), e.ip.unwrap_or_default())}
                    {e.submission_id.map(|s| view! { " · " <a href=format!("/staff/submissions/{s}")>"submission"</a> })}
                    {e.detail.map(|d| format!(" · {d}"))}
                </li>
            }).collect_view()}
        </ol>
    })
}
