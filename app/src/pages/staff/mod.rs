//! The staff workspace at `/staff`: sign-in, the review queue, a
//! submission's detail, invites, the audit log, the team and one's own account. Pages are drawn on the
//! server without data and fill in from the staff API after hydration, so
//! no health data is ever in cached HTML.

pub mod account;
pub mod audit;
pub mod client;
pub mod detail;
pub mod integrations;
pub mod invites;
pub mod join;
pub mod login;
pub mod queue;
pub mod recall;
pub mod retention;
pub mod session;
pub mod team;

use chrono::{DateTime, Utc};
use leptos::{either::Either, prelude::*};
use serde::{de::DeserializeOwned, Serialize};

use crate::{
    browser::{self, SendError},
    domain::{api::StaffSession, states::SessionStage, Flag, Severity},
    pages::PageTitle,
};

/// The signed-in staff member and the session's CSRF token.
pub type Me = StaffSession;

/// The signed-in staff member (pages below the shell exist only once known).
pub fn me() -> Me {
    expect_context::<RwSignal<Option<Me>>>()
        .get_untracked()
        .expect("staff pages render after sign-in")
}

fn login_url() -> String {
    let here = web_path();
    format!("/staff/login?next={}", urlencode(&here))
}

#[cfg(feature = "hydrate")]
fn web_path() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_else(|| "/staff".into())
}

#[cfg(not(feature = "hydrate"))]
fn web_path() -> String {
    "/staff".into()
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A staff API call. A lapsed session goes to the sign-in page and comes back.
pub async fn call<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<&impl Serialize>,
    csrf: &str,
) -> Result<T, String> {
    let body = body.map(|b| serde_json::to_string(b).unwrap_or_default());
    call_json(method, url, body, csrf).await
}

/// [`call`] with the body already written as JSON.
pub async fn call_json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
    csrf: &str,
) -> Result<T, String> {
    match browser::staff_call::<T>(method, url, body, csrf).await {
        Ok(v) => Ok(v),
        Err(SendError::SignedOut) => {
            browser::navigate(&login_url());
            Err("Your session has ended; please sign in again.".into())
        }
        Err(SendError::Network) => {
            Err("The server could not be reached. Check the connection and try again.".into())
        }
        Err(SendError::Invalid(errors)) => Err(errors
            .0
            .values()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")),
        Err(SendError::Refused(m) | SendError::Busy(m)) => Err(m),
        Err(SendError::Conflict) => Err("Someone else changed this meanwhile; reload.".into()),
    }
}

/// A refusal in the words the server chose, for the pages before a session
/// exists (sign-in, joining); `unauthorised` is what a 401 means there.
pub fn refusal(e: SendError, unauthorised: &str) -> String {
    match e {
        SendError::SignedOut => unauthorised.into(),
        SendError::Refused(m) | SendError::Busy(m) => m,
        SendError::Invalid(errors) => errors
            .0
            .into_values()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        _ => "The server could not be reached. Try again in a moment.".into(),
    }
}

/// A page's content as the shell takes it. In the browser it keeps its
/// type: a type-erased view's vtable would pull the async-hydration code of
/// everything below it into the bundle. On the server it is erased, which
/// keeps the generated symbol names (and the build's files) small.
#[cfg(feature = "hydrate")]
pub fn page<V: IntoView>(content: V) -> V {
    content
}

#[cfg(not(feature = "hydrate"))]
pub fn page<V: IntoView + 'static>(content: V) -> AnyView {
    content.into_any()
}

/// Frame of every signed-in page: finds out who is signed in (or goes to
/// the sign-in page), then shows the navigation and the page.
#[component]
pub fn StaffShell<C: IntoView + 'static>(
    title: &'static str,
    children: TypedChildrenFn<C>,
) -> impl IntoView {
    let me: RwSignal<Option<Me>> = RwSignal::new(None);
    let problem = RwSignal::new(None::<String>);
    provide_context(me);
    let who = LocalResource::new(|| browser::get_json::<Me>("/api/v1/staff/me"));
    Effect::new(move |_| match who.get() {
        // The password was right but the code never came: start again.
        Some(Ok(m)) if m.stage == SessionStage::Code => browser::navigate(&login_url()),
        // Nothing but setting up two-factor until it is done.
        Some(Ok(m)) if m.stage == SessionStage::Enrol && browser::path() != "/staff/account" => {
            browser::navigate("/staff/account")
        }
        Some(Ok(m)) => me.set(Some(m)),
        Some(Err(SendError::SignedOut)) => browser::navigate(&login_url()),
        Some(Err(_)) => problem.set(Some(
            "The server could not be reached. Reload to try again.".into(),
        )),
        None => {}
    });
    let leave = Action::new_local(move |csrf: &String| {
        let csrf = csrf.clone();
        async move {
            let _ = call::<()>("POST", "/api/v1/staff/logout", None::<&()>, &csrf).await;
            browser::navigate("/staff/login");
        }
    });
    let sign_out = move |_| {
        if let Some(m) = me.get_untracked() {
            leave.dispatch(m.csrf_token);
        }
    };
    let children = StoredValue::new(children.into_inner());
    view! {
        <PageTitle text=title/>
        <div class="staff">
            <header class="staff-bar">
                <a class="brand" href="/staff">
                    <img src="/icons/icon-192.png" alt="" width="32" height="32"/>
                    <span>"Stipple staff"</span>
                </a>
                <nav aria-label="Staff">
                    {move || me.with(|m| m.as_ref().is_none_or(|m| m.stage == SessionStage::Ready)).then(|| view! {
                        <a href="/staff">"Queue"</a>
                        <a href="/staff/invites">"Invites"</a>
                        <a href="/staff/recall">"Recall"</a>
                    })}
                    {move || me.get().filter(|m| m.is_admin() && m.stage == SessionStage::Ready).map(|_| view! {
                        <a href="/staff/audit">"Audit log"</a>
                        <a href="/staff/team">"Team"</a>
                        <a href="/staff/retention">"Retention"</a>
                        <a href="/staff/integrations">"Integrations"</a>
                    })}
                    <a href="/staff/account">"Account"</a>
                </nav>
                {move || me.get().map(|m| view! {
                    <span class="who">{m.user.name}</span>
                    <button type="button" class="button small" id="sign-out" on:click=sign_out>"Sign out"</button>
                })}
            </header>
            <main class="page staff-page" data-ready=move || me.with(Option::is_some).to_string()>
                <h1 id="page-title">{title}</h1>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                {move || match me.with(Option::is_some) {
                    true => Either::Left(children.with_value(|c| c())),
                    false => Either::Right(view! { <p class="note" aria-busy="true">"Loading…"</p> }),
                }}
            </main>
        </div>
    }
}

/// Checkboxes for a vocabulary given as (wire name, label) pairs; `chosen`
/// holds the picked wire names. One function for every vocabulary keeps
/// the bundle small.
pub fn choices(
    id: &'static str,
    legend: &'static str,
    all: Vec<(&'static str, String)>,
    chosen: RwSignal<Vec<&'static str>>,
) -> impl IntoView {
    view! {
        <fieldset class="field" id=id>
            <legend>{legend}</legend>
            <div class="choices">
                {all.into_iter().map(|(name, label)| view! {
                    <label class="choice">
                        <input type="checkbox"
                            prop:checked=move || chosen.with(|c| c.contains(&name))
                            on:change=move |ev| chosen.update(|c| {
                                c.retain(|x| *x != name);
                                if event_target_checked(&ev) { c.push(name); }
                            })/>
                        {label}
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// Flags as small badges: red for `stop`, amber for `review`.
#[component]
pub fn FlagBadges(flags: Vec<Flag>) -> impl IntoView {
    if flags.is_empty() {
        return Either::Left(view! { <span class="flag none">"No flags"</span> });
    }
    Either::Right(
        flags
            .into_iter()
            .map(|f| {
                let class = match f.severity {
                    Severity::Stop => "flag stop",
                    Severity::Review => "flag review",
                };
                let label = format!("{}: {}", f.severity.as_str(), f.code.replace('_', " "));
                view! { <span class=class title=f.reason>{label}</span> }
            })
            .collect_view(),
    )
}

/// A time from the API in the staff member's own time zone.
pub fn local_time(t: &DateTime<Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        // Milliseconds, not text: the browser's own calendar does the rest,
        // and the bundle carries no date formatting of its own.
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
        let opts = js_sys::Object::new();
        for (k, v) in [("dateStyle", "medium"), ("timeStyle", "short")] {
            let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
        }
        d.to_locale_string("default", &opts)
            .as_string()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}
