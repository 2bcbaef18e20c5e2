//! `/staff/retention` (administrators): the retention policy in force and
//! what it purges in the next 30 days.

use leptos::{either::Either, prelude::*};

use super::{call, local_time, me, page, StaffShell};
use crate::domain::api::RetentionReport;

#[component]
pub fn RetentionPage() -> impl IntoView {
    view! { <StaffShell title="Retention">{page(view! { <Retention/> })}</StaffShell> }
}

#[component]
fn Retention() -> impl IntoView {
    let me = me();
    if !me.is_admin() {
        return Either::Left(
            view! { <p class="error" role="alert">"The retention policy is for administrators."</p> },
        );
    }
    let csrf = StoredValue::new(me.csrf_token);
    let report = LocalResource::new(move || {
        let csrf = csrf.get_value();
        async move {
            call::<RetentionReport>("GET", "/api/v1/staff/retention", None::<&()>, &csrf).await
        }
    });
    let problem = move || report.get().and_then(Result::err);
    let shown = move || {
        report.get().and_then(Result::ok).map(|r| {
            let p = r.policy;
            let nothing = r.submissions.is_empty() && r.groups.is_empty();
            let intakes = !r.submissions.is_empty();
            view! {
                <section class="card">
                    <h2>"Policy"</h2>
                    <ul id="retention-policy">
                        <li>{format!("Reviewed intakes and signed consents: {} years after the last activity", p.consent_years)}</li>
                        <li>{format!("Intakes never reviewed, or declined: {} days after the last activity", p.unreviewed_days)}</li>
                        <li>{format!("Invites never used: {} days after they expired", p.invite_days)}</li>
                        <li>{format!("Texts of sent e-mails: {} days", p.mail_days)}</li>
                        <li>{format!("Ended staff sessions: {} days; failed sign-ins: {} days; addresses in the audit log: {} days", p.session_days, p.login_failure_days, p.audit_address_days)}</li>
                    </ul>
                    <p class="meta">{match r.last_run {
                        Some(at) => format!("Applied daily; last purge {}.", local_time(&at)),
                        None => "Applied daily; nothing purged yet.".to_string(),
                    }}</p>
                </section>
                <section class="card">
                    <h2>{format!("Due in the next {} days", r.horizon_days)}</h2>
                    {nothing.then(|| view! { <p id="retention-nothing">"Nothing falls due."</p> })}
                    <ul id="retention-groups">
                        {r.groups.into_iter().map(|g| view! {
                            <li>{format!("{}: {} (first {})", g.kind.label(), g.count, local_time(&g.first_due))}</li>
                        }).collect_view()}
                    </ul>
                    <table id="retention-submissions" hidden=!intakes>
                        <thead><tr><th scope="col">"Client"</th><th scope="col">"Status"</th><th scope="col">"Last activity"</th><th scope="col">"Purged on"</th></tr></thead>
                        <tbody>
                            {r.submissions.into_iter().map(|s| view! {
                                <tr>
                                    <td><a href=format!("/staff/submissions/{}", s.id)>{s.client_name}</a></td>
                                    <td>{s.status.label()}</td>
                                    <td>{local_time(&s.last_activity)}</td>
                                    <td>{local_time(&s.due_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
        })
    };
    Either::Right(view! {
        {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        {shown}
    })
}
