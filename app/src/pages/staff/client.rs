//! `/staff/clients/{id}`: one client across intakes, courses and sessions,
//! with the timeline and before-and-after photos; and the card on a
//! submission that links it to a client record.

use leptos::{either::Either, prelude::*};
use serde::de::IgnoredAny;

use super::{call, call_json, choices, local_time, me, page, FlagBadges, StaffShell};
use crate::{
    browser,
    domain::{
        api::{
            ClientRecord, ClientSummary, Course, CourseStatusChange, LinkClient, NewCourse,
            SubmissionClient,
        },
        states::{CourseStatus, PhotoKind},
        vocab::HairLossArea,
    },
};

#[component]
pub fn ClientPage() -> impl IntoView {
    view! { <StaffShell title="Client record">{page(view! { <ClientView/> })}</StaffShell> }
}

/// On a submission: the client it belongs to, or the suggested matches
/// to confirm. Nothing is linked without a click.
#[component]
pub fn ClientCard(submission: String) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let url = StoredValue::new(format!("/api/v1/staff/submissions/{submission}/client"));
    let found = LocalResource::new(move || async move {
        call::<SubmissionClient>("GET", &url.get_value(), None::<&()>, &csrf.get_value()).await
    });
    let problem = RwSignal::new(None::<String>);
    let link = Action::new_local(move |client: &Option<String>| {
        let body = LinkClient {
            client_id: client.clone(),
        };
        async move {
            call::<ClientSummary>("POST", &url.get_value(), Some(&body), &csrf.get_value()).await
        }
    });
    Effect::new(move |_| match link.value().get() {
        Some(Ok(c)) => browser::navigate(&format!("/staff/clients/{}", c.id)),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="client-record-title">
            <h2 id="client-record-title">"Client record"</h2>
            {move || found.get().map(|f| match f {
                Err(e) => Either::Left(view! { <p class="error">{e}</p> }),
                Ok(SubmissionClient { linked: Some(c), .. }) => Either::Right(Either::Left(view! {
                    <p><a id="client-link" href=format!("/staff/clients/{}", c.id)>{format!("{} · courses, sessions and photos", c.full_name)}</a></p>
                })),
                Ok(SubmissionClient { matches, .. }) => Either::Right(Either::Right(view! {
                    {if matches.is_empty() {
                        Either::Left(view! { <p>"No existing client has this e-mail, or this phone and date of birth."</p> })
                    } else {
                        Either::Right(view! {
                            <p>"This intake may belong to an existing client. Check before linking:"</p>
                            <ul class="matches">{matches.into_iter().map(|m| {
                                let id = m.client.id.to_string();
                                let why: Vec<&str> = m.reasons.iter().map(|r| r.label()).collect();
                                view! {
                                    <li>
                                        <strong>{m.client.full_name}</strong>
                                        {format!(" · born {} · {}", m.client.date_of_birth, why.join("; "))}
                                        <button type="button" class="button small link-client" on:click=move |_| { link.dispatch(Some(id.clone())); }>"Link to this client"</button>
                                    </li>
                                }
                            }).collect_view()}</ul>
                        })
                    }}
                    <button type="button" class="button small" id="new-client" on:click=move |_| { link.dispatch(None); }>"Start a new client record"</button>
                })),
            })}
            <div role="alert">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
        </section>
    }
}

#[component]
fn ClientView() -> impl IntoView {
    let id = browser::path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let csrf = StoredValue::new(me().csrf_token);
    let url = StoredValue::new(format!("/api/v1/staff/clients/{id}"));
    let record = LocalResource::new(move || async move {
        call::<ClientRecord>("GET", &url.get_value(), None::<&()>, &csrf.get_value()).await
    });
    let reload = Callback::new(move |()| record.refetch());
    view! {
        {move || record.get().map(|r| match r {
            Err(e) => Either::Left(view! { <p class="error" role="alert">{e}</p> }),
            Ok(r) => Either::Right(view! { <Record r reload/> }),
        })}
    }
}

#[component]
fn Record(r: ClientRecord, reload: Callback<()>) -> impl IntoView {
    let c = r.client.clone();
    let dash = || "—".to_string();
    let is_admin = me().is_admin();
    let csrf = StoredValue::new(me().csrf_token);
    let client_id = c.id.to_string();
    let erase = Action::new_local(move |_: &()| {
        let url = format!("/api/v1/staff/clients/{client_id}");
        async move {
            if call::<()>("DELETE", &url, None::<&()>, &csrf.get_value())
                .await
                .is_ok()
            {
                browser::navigate("/staff");
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="client-name">
            <h2 id="client-name">{c.full_name.clone()}</h2>
            <dl class="facts">
                <dt>"Date of birth"</dt><dd>{c.date_of_birth.to_string()}</dd>
                <dt>"E-mail"</dt><dd>{c.email.clone().unwrap_or_else(dash)}</dd>
                <dt>"Phone"</dt><dd>{c.phone.clone().unwrap_or_else(dash)}</dd>
                <dt>"Photos for marketing"</dt><dd id="marketing">{if r.marketing_consent { "Agreed" } else { "Not agreed" }}</dd>
            </dl>
            {is_admin.then(|| view! {
                <button type="button" class="button danger" id="erase-client" on:click=move |_| {
                    if browser::confirm("Erase this client, every intake, course, session record and photo of theirs, for good?") { erase.dispatch(()); }
                }>"Erase client"</button>
            })}
        </section>
        <section class="card" aria-labelledby="intakes-title">
            <h2 id="intakes-title">"Intakes"</h2>
            <ul class="queue">{r.submissions.iter().map(|s| view! {
                <li><a class="queue-item" href=format!("/staff/submissions/{}", s.id)>
                    <span class="meta">{format!("Received {}", local_time(&s.received_at))}</span>
                    <span class=format!("pill {}", s.status.as_str())>{s.status.label()}</span>
                    <span class="flags"><FlagBadges flags=s.flags.clone()/></span>
                </a></li>
            }).collect_view()}</ul>
        </section>
        {r.courses.iter().cloned().map(|co| view! { <CourseCard co reload/> }).collect_view()}
        <NewCourseForm client=c.id.to_string() reload/>
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">"Before and after"</h2>
            {if r.photos.is_empty() { Either::Left(view! { <p>"No photos yet."</p> }) } else { Either::Right(()) }}
            {r.courses.iter().flat_map(|co| co.sessions.clone()).map(|s| {
                let of = |kind: PhotoKind| r.photos.iter().filter(|p| p.session_id == s.id && p.kind == kind).cloned().collect::<Vec<_>>();
                let (before, after) = (of(PhotoKind::Before), of(PhotoKind::After));
                (!before.is_empty() || !after.is_empty()).then(|| view! {
                    <h3>{format!("Session {} · {}", s.number, s.performed_on)}</h3>
                    <div class="photo-pair">
                        {[(PhotoKind::Before, before), (PhotoKind::After, after)].into_iter().map(|(kind, list)| view! {
                            <figure>
                                <figcaption>{kind.label()}</figcaption>
                                {list.into_iter().map(|p| view! {
                                    <img src=format!("/api/v1/staff/photos/{}?size=thumb", p.id) alt=format!("{}, session {}", kind.label(), s.number)
                                        width=p.width.to_string() height=p.height.to_string() loading="lazy"/>
                                }).collect_view()}
                            </figure>
                        }).collect_view()}
                    </div>
                })
            }).collect_view()}
        </section>
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Timeline"</h2>
            <ol class="history" id="timeline">{r.timeline.iter().map(|t| view! {
                <li>{format!("{} · {}{}", local_time(&t.at), t.text, t.staff.clone().map(|s| format!(" · {s}")).unwrap_or_default())}</li>
            }).collect_view()}</ol>
        </section>
    }
}

#[component]
fn CourseCard(co: Course, reload: Callback<()>) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let id = co.id;
    let move_to = Action::new_local(move |to: &CourseStatus| {
        let body = CourseStatusChange {
            status: *to,
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        async move {
            let url = format!("/api/v1/staff/courses/{id}/status");
            let json = serde_json::to_string(&body).ok();
            call_json::<IgnoredAny>("POST", &url, json, &csrf.get_value()).await
        }
    });
    Effect::new(move |_| match move_to.value().get() {
        Some(Ok(_)) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let areas: Vec<&str> = co.areas.iter().map(|a| a.label()).collect();
    let next = co.sessions.len() + 1;
    let in_progress = co.status == CourseStatus::InProgress;
    let can_stop = co.status.may_move(CourseStatus::Stopped);
    view! {
        <section class="card course" aria-label=format!("Course of {} sessions", co.planned_sessions)>
            <h2>{format!("Course: {} of {} sessions", co.sessions.len(), co.planned_sessions)}</h2>
            <p><span class=format!("pill {}", co.status.as_str()) id="course-status">{co.status.label()}</span>
               {format!(" · {}", areas.join(", "))}</p>
            {(!co.notes.is_empty()).then(|| view! { <p class="note-text">{co.notes.clone()}</p> })}
            {co.stop_reason.clone().map(|r| view! { <p class="notice warning">{format!("Stopped: {r}")}</p> })}
            <ol class="history">{co.sessions.iter().map(|s| view! {
                <li><a href=format!("/staff/sessions/{}", s.id)>{format!("Session {} · {} · {}", s.number, s.performed_on, s.practitioner.clone().unwrap_or_default())}</a>
                    {if s.signed_off_at.is_some() { " · signed off" } else { " · not signed off" }}</li>
            }).collect_view()}</ol>
            {in_progress.then(|| view! {
                <p><a class="button" id="record-session" href=format!("/staff/sessions/new?course={id}")>{format!("Record session {next}")}</a></p>
            })}
            {can_stop.then(|| view! {
                <div class="field">
                    <label for=format!("reason-{id}")>"Reason (to stop the course)"</label>
                    <textarea id=format!("reason-{id}") rows="2" maxlength="1000" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
            })}
            <div class="actions">{co.status.moves().iter().map(|&(to, label)| view! {
                <button type="button" class="button small" id=format!("course-{}", to.as_str()) on:click=move |_| { move_to.dispatch(to); }>{label}</button>
            }).collect_view()}</div>
            <div role="alert">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
        </section>
    }
}

#[component]
fn NewCourseForm(client: String, reload: Callback<()>) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let sessions = RwSignal::new("3".to_string());
    let notes = RwSignal::new(String::new());
    let areas = RwSignal::new(Vec::<&'static str>::new());
    let problem = RwSignal::new(None::<String>);
    let plan = Action::new_local(move |body: &NewCourse| {
        let body = body.clone();
        let url = format!("/api/v1/staff/clients/{client}/courses");
        async move { call::<Course>("POST", &url, Some(&body), &csrf.get_value()).await }
    });
    Effect::new(move |_| match plan.value().get() {
        Some(Ok(_)) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        plan.dispatch(NewCourse {
            planned_sessions: sessions.get_untracked().trim().parse().unwrap_or(0),
            areas: areas
                .get_untracked()
                .iter()
                .filter_map(|a| HairLossArea::parse(a))
                .collect(),
            notes: notes.get_untracked(),
        });
    };
    let all: Vec<_> = HairLossArea::ALL
        .iter()
        .map(|a| (a.as_str(), a.label().to_string()))
        .collect();
    view! {
        <form class="card" on:submit=submit>
            <h2>"Plan a course"</h2>
            <div class="field">
                <label for="planned-sessions">"Sessions planned"</label>
                <input id="planned-sessions" type="number" inputmode="numeric" min="1" max="12"
                    prop:value=move || sessions.get() on:input=move |ev| sessions.set(event_target_value(&ev))/>
            </div>
            {choices("course-areas", "Areas", all, areas)}
            <div class="field">
                <label for="course-notes">"Plan notes"</label>
                <textarea id="course-notes" rows="3" maxlength="4000" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </div>
            <div role="alert">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
            <button type="submit" class="button primary" id="plan-course">"Plan the course"</button>
        </form>
    }
}
