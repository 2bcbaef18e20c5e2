//! `/staff/recall`: which sessions, and so which clients, used a pigment
//! lot, for acting on a manufacturer's recall.

use leptos::{either::Either, prelude::*};

use super::{call, me, page, urlencode, StaffShell};
use crate::domain::api::LotRecall;

#[component]
pub fn RecallPage() -> impl IntoView {
    view! { <StaffShell title="Pigment recall">{page(view! { <Recall/> })}</StaffShell> }
}

#[component]
fn Recall() -> impl IntoView {
    let csrf = StoredValue::new(me().csrf_token);
    let lot = RwSignal::new(String::new());
    let find = Action::new_local(move |lot: &String| {
        let url = format!("/api/v1/staff/pigment-lots/{}", urlencode(lot.trim()));
        async move { call::<LotRecall>("GET", &url, None::<&()>, &csrf.get_value()).await }
    });
    view! {
        <form class="card" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); find.dispatch(lot.get_untracked()); }>
            <div class="field">
                <label for="lot">"Lot or batch number"</label>
                <span class="hint">"Found whatever the case or spaces."</span>
                <input id="lot" type="text" autocomplete="off" prop:value=move || lot.get() on:input=move |ev| lot.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="button primary" id="find-lot">"Find every use"</button>
        </form>
        {move || find.value().get().map(|r| match r {
            Err(e) => Either::Left(view! { <p class="error" role="alert">{e}</p> }),
            Ok(r) => Either::Right(view! {
                <section class="card" aria-labelledby="uses-title">
                    <h2 id="uses-title" role="status">{format!("Lot {}: used in {} sessions", r.lot, r.uses.len())}</h2>
                    <ul class="queue" id="uses">{r.uses.iter().map(|u| view! {
                        <li class="queue-item">
                            <a class="name" href=format!("/staff/clients/{}", u.client_id)>{u.client_name.clone()}</a>
                            <span class="meta">{format!("{} · {} {} · expires {} · {}", u.performed_on, u.brand, u.shade, u.expires_on, u.practitioner.clone().unwrap_or_default())}</span>
                            <span class="meta">{[u.client_email.clone(), u.client_phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</span>
                        </li>
                    }).collect_view()}</ul>
                    <a class="button" id="recall-csv" href=format!("/api/v1/staff/pigment-lots/{}?format=csv", urlencode(&r.lot))>"Download CSV"</a>
                </section>
            }),
        })}
    }
}
