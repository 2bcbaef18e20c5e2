//! `/staff/submissions/{id}`: everything about one submission, and the
//! review actions.

use leptos::{either::Either, prelude::*};
use uuid::Uuid;

use serde::de::IgnoredAny;

use super::{call, call_json, local_time, me, page, StaffShell};
use crate::{
    browser,
    domain::{
        api::{
            AnswerSection, HistoryEntry, MailEntry, NewNote, SignatureView, StatusChange,
            SubmissionDetail,
        },
        states::ReviewStatus,
        Flag, Severity,
    },
};

#[component]
pub fn DetailPage() -> impl IntoView {
    view! { <StaffShell title="Submission">{page(view! { <DetailView/> })}</StaffShell> }
}

/// The submission's id, from the page's path (`/staff/submissions/{id}`).
fn submission_id() -> String {
    #[cfg(feature = "hydrate")]
    let path = browser::path();
    #[cfg(not(feature = "hydrate"))]
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    path.rsplit('/').next().unwrap_or_default().to_string()
}

/// A review action: where to post below the submission, the JSON body,
/// and what to tell the reviewer once it is done.
#[derive(Clone)]
struct Post {
    path: &'static str,
    body: Option<String>,
    done: String,
}

#[component]
fn DetailView() -> impl IntoView {
    let me = me();
    let id = submission_id();
    let action_error = RwSignal::new(None::<String>);
    let action_done = RwSignal::new(None::<String>);
    let status_note = RwSignal::new(String::new());
    let new_note = RwSignal::new(String::new());
    let note_error = RwSignal::new(None::<String>);
    let csrf = StoredValue::new(me.csrf_token.clone());
    let base = StoredValue::new(format!("/api/v1/staff/submissions/{id}"));

    let detail = LocalResource::new(move || {
        let (url, csrf) = (base.get_value(), csrf.get_value());
        async move { call::<SubmissionDetail>("GET", &url, None::<&()>, &csrf).await }
    });
    let post = Action::new_local(move |p: &Post| {
        let url = format!("{}{}", base.get_value(), p.path);
        let (path, body, done, csrf) = (p.path, p.body.clone(), p.done.clone(), csrf.get_value());
        async move {
            call_json::<IgnoredAny>("POST", &url, body, &csrf)
                .await
                .map(|_| (path, done))
        }
    });
    let busy = post.pending();
    // What the last action came to: said, its field emptied, the record read again.
    Effect::new(move |_| match post.value().get() {
        Some(Ok((path, done))) => {
            action_error.set(None);
            action_done.set(Some(done));
            match path {
                "/status" => status_note.set(String::new()),
                "/notes" => new_note.set(String::new()),
                _ => {}
            }
            detail.refetch();
        }
        Some(Err(e)) => {
            action_done.set(None);
            action_error.set(Some(e));
        }
        None => {}
    });

    let change_status = move |to: ReviewStatus, label: &'static str| {
        let note = status_note.get_untracked();
        let body = StatusChange {
            status: to.as_str().to_string(),
            note: (!note.trim().is_empty()).then_some(note),
        };
        post.dispatch(Post {
            path: "/status",
            body: serde_json::to_string(&body).ok(),
            done: format!("Done: {label}."),
        });
    };
    let add_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = new_note.get_untracked();
        if text.trim().is_empty() {
            note_error.set(Some("Write the note first.".into()));
            return;
        }
        note_error.set(None);
        post.dispatch(Post {
            path: "/notes",
            body: serde_json::to_string(&NewNote { text }).ok(),
            done: "Note added.".into(),
        });
    };
    let email = move |_| {
        post.dispatch(Post {
            path: "/email",
            body: None,
            done: "The PDF is queued to the client's e-mail.".into(),
        });
    };
    let is_admin = me.is_admin();
    let erase = Action::new_local(move |_: &()| {
        let (url, csrf) = (base.get_value(), csrf.get_value());
        async move {
            match call::<()>("DELETE", &url, None::<&()>, &csrf).await {
                Ok(()) => browser::navigate("/staff"),
                Err(e) => action_error.set(Some(e)),
            }
        }
    });
    let erase = move |_| {
        if browser::confirm("Erase this submission and its signed PDF for good? Only a record of the deletion is kept.") {
            erase.dispatch(());
        }
    };

    view! {
        {move || detail.get().map(|loaded| match loaded {
            Err(problem) => Either::Left(view! { <p class="error" role="alert">{problem}</p> }),
            Ok(d) => {
            let pdf = format!("{}/consent.pdf", base.get_value());
            let stop = d.flags.iter().any(|f| f.severity == Severity::Stop);
            let has_email = d.client.email.is_some();
            let moves = d.status.moves();
            Either::Right(view! {
                <Summary d=d.clone()/>
                <FlagList flags=d.flags.clone()/>
                <super::client::ClientCard submission=d.id.to_string()/>
                <section class="card" aria-labelledby="review-title">
                    <h2 id="review-title">"Review"</h2>
                    <div class="field">
                        <label for="status-note">{if stop { "Note (required to clear: there is a stop flag)" } else { "Note (optional)" }}</label>
                        <textarea id="status-note" rows="3" maxlength="4000" aria-describedby="action-error"
                            prop:value=move || status_note.get() on:input=move |ev| status_note.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="actions">
                        {moves.iter().map(|&(to, label)| view! {
                            <button type="button" class="button primary" id=format!("to-{}", to.as_str()) disabled=move || busy.get()
                                on:click=move |_| change_status(to, label)>{label}</button>
                        }).collect_view()}
                    </div>
                    <div role="alert" id="action-error">
                        {move || action_error.get().map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                    <div role="status">
                        {move || action_done.get().map(|m| view! { <p class="success">{m}</p> })}
                    </div>
                    <h3>"Signed consent"</h3>
                    <div class="actions">
                        <a class="button" id="open-pdf" href=pdf.clone() target="_blank" rel="noopener">"View or print PDF"</a>
                        <a class="button" id="download-pdf" href=format!("{pdf}?download=1")>"Download PDF"</a>
                        {has_email.then(|| view! {
                            <button type="button" class="button" id="email-pdf" disabled=move || busy.get() on:click=email>"E-mail PDF to client"</button>
                        })}
                        {is_admin.then(|| view! {
                            <button type="button" class="button danger" id="erase" on:click=erase>"Erase submission"</button>
                        })}
                    </div>
                </section>
                <section class="card" aria-labelledby="notes-title">
                    <h2 id="notes-title">"Notes"</h2>
                    <ol class="notes" id="notes">
                        {d.notes.iter().map(|n| view! {
                            <li>
                                <p class="note-text">{n.text.clone()}</p>
                                <p class="meta">{format!("{} · {}", n.author.clone().unwrap_or_else(|| "Former staff".into()), local_time(&n.created_at))}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                    <form on:submit=add_note>
                        <div class="field">
                            <label for="note-text">"Add a note"</label>
                            <textarea id="note-text" rows="3" maxlength="4000" aria-describedby="note-error"
                                aria-invalid=move || note_error.with(Option::is_some).to_string()
                                prop:value=move || new_note.get() on:input=move |ev| new_note.set(event_target_value(&ev))></textarea>
                            <div role="alert" id="note-error">{move || note_error.get().map(|e| view! { <p class="error">{e}</p> })}</div>
                        </div>
                        <button type="submit" class="button" id="add-note" disabled=move || busy.get()>"Add note"</button>
                    </form>
                </section>
                <Answers sections=d.sections.clone() signature=d.signature.clone()/>
                <MailList mail=d.mail.clone()/>
                <History history=d.history.clone() id=d.id/>
            })
            }
        })}
    }
}

/// Who the client is and where the submission stands.
#[component]
fn Summary(d: SubmissionDetail) -> impl IntoView {
    let dash = || "—".to_string();
    view! {
        <section class="card" aria-labelledby="client-name">
            <h2 id="client-name">{d.client.full_name}</h2>
            <p>
                <span class=format!("pill {}", d.status.as_str()) id="status">{d.status.label()}</span>
                {d.status_changed_by.map(|by| format!(" by {by}"))}
                {d.status_changed_at.map(|at| format!(" on {}", local_time(&at)))}
            </p>
            <dl class="facts">
                <dt>"Received"</dt><dd>{local_time(&d.received_at)}</dd>
                <dt>"Appointment"</dt><dd>{d.appointment_date.map(|a| a.to_string()).unwrap_or_else(|| "Not set".into())}</dd>
                <dt>"Date of birth"</dt><dd>{d.client.date_of_birth.to_string()}</dd>
                <dt>"E-mail"</dt><dd>{d.client.email.unwrap_or_else(dash)}</dd>
                <dt>"Phone"</dt><dd>{d.client.phone.unwrap_or_else(dash)}</dd>
                <dt>"Consent version"</dt><dd>{d.template_version}</dd>
            </dl>
        </section>
    }
}

#[component]
fn FlagList(flags: Vec<Flag>) -> impl IntoView {
    let list = if flags.is_empty() {
        Either::Left(view! { <p>"None raised by the answers."</p> })
    } else {
        Either::Right(view! {
            <ul class="flag-list" id="flags">
                {flags.into_iter().map(|f| {
                    let class = if f.severity == Severity::Stop { "flag stop" } else { "flag review" };
                    view! {
                        <li>
                            <span class=class>{f.severity.as_str()}</span>" "
                            <strong>{f.code.replace('_', " ")}</strong>": "{f.reason}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    };
    view! {
        <section class="card" aria-labelledby="flags-title">
            <h2 id="flags-title">"Contraindication flags"</h2>
            {list}
        </section>
    }
}

/// The answers by section, then the signature.
#[component]
fn Answers(sections: Vec<AnswerSection>, signature: SignatureView) -> impl IntoView {
    let signed_by = signature.typed_name;
    view! {
        {sections.into_iter().map(|s| view! {
            <section class="card answers">
                <h2>{s.title}</h2>
                <dl>
                    {s.rows.into_iter().map(|r| view! { <dt>{r.question}</dt><dd>{r.answer}</dd> }).collect_view()}
                </dl>
            </section>
        }).collect_view()}
        <section class="card" aria-labelledby="signature-title">
            <h2 id="signature-title">"Signature"</h2>
            <img class="signature-image" src=signature.png_data_url alt=format!("Signature drawn by {signed_by}") width="300" height="100"/>
            <p>{format!("Typed name: {signed_by}")}</p>
        </section>
    }
}

#[component]
fn MailList(mail: Vec<MailEntry>) -> impl IntoView {
    let list = if mail.is_empty() {
        Either::Left(view! { <p>"No e-mail for this submission."</p> })
    } else {
        Either::Right(view! {
            <ul class="mail" id="mail">
                {mail.into_iter().map(|m| view! {
                    <li>
                        <strong>{m.kind.label()}</strong>
                        {format!(" to {} — {} ({} attempts) · {}", m.to_address, m.status.as_str(), m.attempts, local_time(&m.created_at))}
                        {m.last_error.map(|e| view! { <span class="error">{format!(" Last error: {e}")}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        })
    };
    view! {
        <section class="card" aria-labelledby="mail-title">
            <h2 id="mail-title">"E-mail"</h2>
            {list}
        </section>
    }
}

#[component]
fn History(history: Vec<HistoryEntry>, id: Uuid) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <ol class="history" id="history">
                {history.into_iter().map(|h| view! {
                    <li>{format!("{} · {} · {}{}", local_time(&h.at), h.action.as_str().replace('_', " "), h.staff.unwrap_or_else(|| "—".into()), h.detail.map(|x| format!(" · {x}")).unwrap_or_default())}</li>
                }).collect_view()}
            </ol>
            <p class="note">{format!("Reference {id}")}</p>
        </section>
    }
}
