//! `/staff/sessions/{id}` (and `/staff/sessions/new?course=…`): a session
//! record. Editable until the practitioner signs it off with their
//! password; then read-only, with addenda and photos added below it.

use leptos::{either::Either, prelude::*};

use super::{call, choices, local_time, me, page, StaffShell};
use crate::{
    browser::{self, SendError},
    domain::{
        api::{Addendum, NewAddendum, PigmentUse, SessionInput, SessionRecord, SignOff},
        states::PhotoKind,
        vocab::HairLossArea,
        FieldErrors,
    },
};

#[component]
pub fn SessionPage() -> impl IntoView {
    view! { <StaffShell title="Session record">{page(view! { <SessionView/> })}</StaffShell> }
}

fn blank_pigment() -> PigmentUse {
    PigmentUse {
        brand: String::new(),
        shade: String::new(),
        lot: String::new(),
        expires_on: String::new(),
    }
}

fn blank() -> SessionInput {
    SessionInput {
        practitioner_id: None,
        performed_on: String::new(),
        start_time: String::new(),
        end_time: None,
        areas: Vec::new(),
        technique_notes: String::new(),
        needle: String::new(),
        needle_lot: String::new(),
        pigments: vec![blank_pigment()],
        pain_reported: None,
        reactions: String::new(),
        aftercare_given: String::new(),
        next_session_on: None,
    }
}

#[component]
fn SessionView() -> impl IntoView {
    let id = browser::path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if id == "new" {
        let course = browser::query_param("course").unwrap_or_default();
        return Either::Left(view! {
            <h2>"New session"</h2>
            <RecordForm start=blank() session=None course/>
        });
    }
    let csrf = me().csrf_token;
    let url = format!("/api/v1/staff/sessions/{id}");
    let record = LocalResource::new(move || {
        let (url, csrf) = (url.clone(), csrf.clone());
        async move { call::<SessionRecord>("GET", &url, None::<&()>, &csrf).await }
    });
    Either::Right(view! {
        {move || record.get().map(|r| match r {
            Err(e) => Either::Left(view! { <p class="error" role="alert">{e}</p> }),
            Ok(r) => Either::Right(view! { <Loaded r/> }),
        })}
    })
}

#[component]
fn Loaded(r: SessionRecord) -> impl IntoView {
    let head = view! {
        <p>
            <a href=format!("/staff/clients/{}", r.client_id)>"← Client record"</a>
        </p>
        <h2>{format!("Session {}", r.number)}</h2>
        <p class="meta" id="session-state">{match &r.signed_off_at {
            Some(at) => format!("Signed off by {} on {} · SHA-256 {}", r.signed_off_by.clone().unwrap_or_default(), local_time(at), r.record_sha256.clone().unwrap_or_default()),
            None => format!("Not signed off yet · practitioner {}", r.practitioner.clone().unwrap_or_default()),
        }}</p>
    };
    let body = if r.signed_off_at.is_some() {
        Either::Left(view! {
            <ReadOnly s=r.record.clone()/>
            <Addenda id=r.id.to_string() list=r.addenda.clone()/>
        })
    } else {
        Either::Right(view! {
            <RecordForm start=r.record.clone() session=Some(r.id.to_string()) course=r.course_id.to_string()/>
            <SignOffForm id=r.id.to_string()/>
        })
    };
    view! {
        {head}
        {body}
        <Photos id=r.id.to_string() photos=r.photos.clone()/>
    }
}

/// Errors beside a field, announced.
fn said(errors: RwSignal<FieldErrors>, path: String) -> impl IntoView {
    let id = format!("{}-error", path.replace(['[', ']', '.'], "-"));
    view! {
        <div role="alert" id=id>
            {move || errors.with(|e| e.first(&path)).map(|m| view! { <p class="error">{m}</p> })}
        </div>
    }
}

/// A one-line text field bound to part of the record.
fn text_field(
    id: impl ToString,
    label: &'static str,
    kind: &'static str,
    value: Signal<String>,
    set: impl Fn(String) + 'static,
    errors: RwSignal<FieldErrors>,
    path: String,
) -> impl IntoView {
    let invalid = {
        let path = path.clone();
        move || errors.with(|e| e.first(&path).is_some()).to_string()
    };
    let described = format!("{}-error", path.replace(['[', ']', '.'], "-"));
    let id = id.to_string();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:input=move |ev| set(event_target_value(&ev))/>
            {said(errors, path)}
        </div>
    }
}

#[component]
fn RecordForm(start: SessionInput, session: Option<String>, course: String) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let s = RwSignal::new(start);
    let errors = RwSignal::new(FieldErrors::default());
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let areas =
        RwSignal::new(s.with_untracked(|s| s.areas.iter().map(|a| a.as_str()).collect::<Vec<_>>()));
    let is_new = session.is_none();
    let save = Action::new_local(move |body: &SessionInput| {
        let body = body.clone();
        let url = match &session {
            Some(id) => format!("/api/v1/staff/sessions/{id}"),
            None => format!("/api/v1/staff/courses/{course}/sessions"),
        };
        async move {
            let json = serde_json::to_string(&body).ok();
            browser::staff_call::<SessionRecord>("POST", &url, json, &csrf.get_value()).await
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(r)) => {
            errors.set(FieldErrors::default());
            problem.set(None);
            if is_new {
                browser::navigate(&format!("/staff/sessions/{}", r.id));
            } else {
                saved.set(Some(
                    "Saved. Sign it off when the record is complete.".into(),
                ));
            }
        }
        Some(Err(SendError::Invalid(e))) => {
            saved.set(None);
            problem.set(Some("Some fields need attention.".into()));
            errors.set(e);
        }
        Some(Err(_)) => problem.set(Some("The record could not be saved; try again.".into())),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = s.get_untracked();
        body.areas = areas
            .get_untracked()
            .iter()
            .filter_map(|a| HairLossArea::parse(a))
            .collect();
        save.dispatch(body);
    };
    let get = move |f: fn(&SessionInput) -> String| Signal::derive(move || s.with(f));
    fn opt(o: &Option<String>) -> String {
        o.clone().unwrap_or_default()
    }
    fn some(v: String) -> Option<String> {
        (!v.trim().is_empty()).then_some(v)
    }
    let area_list: Vec<_> = HairLossArea::ALL
        .iter()
        .map(|a| (a.as_str(), a.label().to_string()))
        .collect();
    view! {
        <form class="card" on:submit=submit novalidate>
            <h3>"What was done"</h3>
            <div class="field-row">
                {text_field("performed-on", "Date", "date", get(|s| s.performed_on.clone()), move |v| s.update(|s| s.performed_on = v), errors, "performed_on".into())}
                {text_field("start-time", "Start time", "time", get(|s| s.start_time.clone()), move |v| s.update(|s| s.start_time = v), errors, "start_time".into())}
            </div>
            <div class="field-row">
                {text_field("end-time", "End time", "time", get(|s| opt(&s.end_time)), move |v| s.update(|s| s.end_time = some(v)), errors, "end_time".into())}
                {text_field("next-session", "Next session", "date", get(|s| opt(&s.next_session_on)), move |v| s.update(|s| s.next_session_on = some(v)), errors, "next_session_on".into())}
            </div>
            {choices("areas", "Areas treated", area_list, areas)}
            {said(errors, "areas".into())}
            <div class="field-row">
                {text_field("needle", "Needle or cartridge", "text", get(|s| s.needle.clone()), move |v| s.update(|s| s.needle = v), errors, "needle".into())}
                {text_field("needle-lot", "Needle lot", "text", get(|s| s.needle_lot.clone()), move |v| s.update(|s| s.needle_lot = v), errors, "needle_lot".into())}
            </div>
            <h3>"Pigments"</h3>
            {move || (0..s.with(|s| s.pigments.len())).map(|i| {
                let field = move |f: fn(&mut PigmentUse) -> &mut String| {
                    (Signal::derive(move || s.with(|s| s.pigments.get(i).map(|p| f(&mut p.clone()).clone()).unwrap_or_default())),
                     move |v: String| s.update(|s| if let Some(p) = s.pigments.get_mut(i) { *f(p) = v }))
                };
                let (brand, set_brand) = field(|p| &mut p.brand);
                let (shade, set_shade) = field(|p| &mut p.shade);
                let (lot, set_lot) = field(|p| &mut p.lot);
                let (exp, set_exp) = field(|p| &mut p.expires_on);
                let leak = |name: &str| format!("pigment-{i}-{name}");
                view! {
                    <fieldset class="card pigment">
                        <legend>{format!("Pigment {}", i + 1)}</legend>
                        <div class="field-row">
                            {text_field(leak("brand"), "Brand", "text", brand, set_brand, errors, format!("pigments[{i}].brand"))}
                            {text_field(leak("shade"), "Shade", "text", shade, set_shade, errors, format!("pigments[{i}].shade"))}
                        </div>
                        <div class="field-row">
                            {text_field(leak("lot"), "Lot or batch number", "text", lot, set_lot, errors, format!("pigments[{i}].lot"))}
                            {text_field(leak("expires"), "Expiry date", "date", exp, set_exp, errors, format!("pigments[{i}].expires_on"))}
                        </div>
                        <button type="button" class="button small" on:click=move |_| s.update(|s| { if s.pigments.len() > 1 { s.pigments.remove(i); } })>"Remove pigment"</button>
                    </fieldset>
                }
            }).collect_view()}
            {said(errors, "pigments".into())}
            <button type="button" class="button small" id="add-pigment" on:click=move |_| s.update(|s| s.pigments.push(blank_pigment()))>"Add a pigment"</button>
            <h3>"How it went"</h3>
            <div class="field">
                <label for="pain">"Pain reported (0 to 10)"</label>
                <input id="pain" type="number" inputmode="numeric" min="0" max="10"
                    prop:value=move || s.with(|s| s.pain_reported.map(|p| p.to_string()).unwrap_or_default())
                    on:input=move |ev| s.update(|s| s.pain_reported = event_target_value(&ev).trim().parse().ok())/>
                {said(errors, "pain_reported".into())}
            </div>
            <TextArea id="technique" label="Technique notes" value=get(|s| s.technique_notes.clone()) set=Callback::new(move |v| s.update(|s| s.technique_notes = v)) errors path="technique_notes"/>
            <TextArea id="reactions" label="Reactions or complications" value=get(|s| s.reactions.clone()) set=Callback::new(move |v| s.update(|s| s.reactions = v)) errors path="reactions"/>
            <TextArea id="aftercare-given" label="Aftercare given" value=get(|s| s.aftercare_given.clone()) set=Callback::new(move |v| s.update(|s| s.aftercare_given = v)) errors path="aftercare_given"/>
            <div role="alert">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
            <div role="status">{move || saved.get().map(|p| view! { <p class="success">{p}</p> })}</div>
            <button type="submit" class="button primary" id="save-session" disabled=move || save.pending().get()>
                {if is_new { "Record the session" } else { "Save changes" }}
            </button>
        </form>
    }
}

#[component]
fn TextArea(
    id: &'static str,
    label: &'static str,
    value: Signal<String>,
    set: Callback<String>,
    errors: RwSignal<FieldErrors>,
    path: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows="3" maxlength="4000" prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))></textarea>
            {said(errors, path.into())}
        </div>
    }
}

#[component]
fn ReadOnly(s: SessionInput) -> impl IntoView {
    let dash = |v: &str| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.to_string()
        }
    };
    let areas: Vec<&str> = s.areas.iter().map(|a| a.label()).collect();
    view! {
        <section class="card" aria-labelledby="record-title">
            <h3 id="record-title">"Record (locked)"</h3>
            <dl class="facts" id="record">
                <dt>"Date"</dt><dd>{s.performed_on.clone()}</dd>
                <dt>"Time"</dt><dd>{format!("{}–{}", s.start_time, s.end_time.clone().unwrap_or_default())}</dd>
                <dt>"Areas"</dt><dd>{areas.join(", ")}</dd>
                <dt>"Needle"</dt><dd>{format!("{} (lot {})", s.needle, s.needle_lot)}</dd>
                <dt>"Pigments"</dt><dd><ul>{s.pigments.iter().map(|p| view! {
                    <li>{format!("{} {} · lot {} · expires {}", p.brand, p.shade, p.lot, p.expires_on)}</li>
                }).collect_view()}</ul></dd>
                <dt>"Pain"</dt><dd>{s.pain_reported.map(|p| format!("{p} / 10")).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Technique"</dt><dd class="note-text">{dash(&s.technique_notes)}</dd>
                <dt>"Reactions"</dt><dd class="note-text">{dash(&s.reactions)}</dd>
                <dt>"Aftercare given"</dt><dd class="note-text">{dash(&s.aftercare_given)}</dd>
                <dt>"Next session"</dt><dd>{s.next_session_on.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn SignOffForm(id: String) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let sign = Action::new_local(move |p: &String| {
        let body = SignOff {
            password: p.clone(),
        };
        let url = format!("/api/v1/staff/sessions/{id}/sign-off");
        async move { call::<SessionRecord>("POST", &url, Some(&body), &csrf.get_value()).await }
    });
    Effect::new(move |_| match sign.value().get() {
        Some(Ok(r)) => browser::navigate(&format!("/staff/sessions/{}", r.id)),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <form class="card" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); sign.dispatch(password.get_untracked()); }>
            <h3>"Sign off"</h3>
            <p class="note">"Once signed off, the record is locked: later changes are addenda with your name and the time."</p>
            <div class="field">
                <label for="sign-password">"Your password"</label>
                <input id="sign-password" type="password" autocomplete="current-password" aria-describedby="sign-error"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <div role="alert" id="sign-error">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
            </div>
            <button type="submit" class="button primary" id="sign-off" disabled=move || sign.pending().get()>"Sign off and lock"</button>
        </form>
    }
}

#[component]
fn Addenda(id: String, list: Vec<Addendum>) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let list = RwSignal::new(list);
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let add = Action::new_local(move |t: &String| {
        let body = NewAddendum { text: t.clone() };
        let url = format!("/api/v1/staff/sessions/{id}/addenda");
        async move { call::<Addendum>("POST", &url, Some(&body), &csrf.get_value()).await }
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(a)) => {
            list.update(|l| l.push(a));
            text.set(String::new());
            problem.set(None);
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="addenda-title">
            <h3 id="addenda-title">"Addenda"</h3>
            <ol class="notes" id="addenda">
                {move || list.get().into_iter().map(|a| view! {
                    <li>
                        <p class="note-text">{a.text}</p>
                        <p class="meta">{format!("{} · {}", a.author.unwrap_or_else(|| "Former staff".into()), local_time(&a.created_at))}</p>
                    </li>
                }).collect_view()}
            </ol>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); add.dispatch(text.get_untracked()); }>
                <div class="field">
                    <label for="addendum-text">"Add an addendum"</label>
                    <textarea id="addendum-text" rows="3" maxlength="4000" aria-describedby="addendum-error"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <div role="alert" id="addendum-error">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
                </div>
                <button type="submit" class="button" id="add-addendum">"Add addendum"</button>
            </form>
        </section>
    }
}

#[component]
fn Photos(id: String, photos: Vec<crate::domain::api::PhotoMeta>) -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let photos = RwSignal::new(photos);
    let problem = RwSignal::new(None::<String>);
    let upload = Action::new_local(move |kind: &PhotoKind| {
        let url = format!("/api/v1/staff/sessions/{id}/photos?kind={}", kind.as_str());
        let input = format!("photo-{}", kind.as_str());
        async move { browser::staff_upload(&url, &input, &csrf.get_value()).await }
    });
    Effect::new(move |_| match upload.value().get() {
        Some(Ok(p)) => {
            photos.update(|l| l.push(p));
            problem.set(None);
        }
        Some(Err(e)) => problem.set(Some(super::refusal(
            e,
            "Your session has ended; sign in again.",
        ))),
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="photos-title">
            <h3 id="photos-title">"Photos"</h3>
            <div class="photo-pair" id="photos">
                {move || [PhotoKind::Before, PhotoKind::After].into_iter().map(|kind| view! {
                    <figure>
                        <figcaption>{kind.label()}</figcaption>
                        {photos.get().into_iter().filter(|p| p.kind == kind).map(|p| view! {
                            <a href=format!("/api/v1/staff/photos/{}", p.id) target="_blank" rel="noopener">
                                <img src=format!("/api/v1/staff/photos/{}?size=thumb", p.id) alt=format!("{} photo, {} × {}", kind.label(), p.width, p.height)
                                    width=p.width.to_string() height=p.height.to_string() loading="lazy"/>
                            </a>
                        }).collect_view()}
                    </figure>
                }).collect_view()}
            </div>
            {[PhotoKind::Before, PhotoKind::After].into_iter().map(|kind| {
                let input = format!("photo-{}", kind.as_str());
                view! {
                    <div class="field">
                        <label for=input.clone()>{format!("Add a photo: {}", kind.label().to_lowercase())}</label>
                        <input id=input type="file" accept="image/jpeg,image/png,image/webp" capture="environment"
                            on:change=move |_| { upload.dispatch(kind); }/>
                    </div>
                }
            }).collect_view()}
            <div role="alert">{move || problem.get().map(|p| view! { <p class="error">{p}</p> })}</div>
            <p role="status">{move || upload.pending().get().then_some("Uploading…")}</p>
        </section>
    }
}
