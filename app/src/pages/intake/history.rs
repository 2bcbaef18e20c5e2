//! Steps 3–4: scars and earlier hair transplants, any number of rows.

use leptos::prelude::*;

use crate::domain::questions as q;

use super::fields::when;

use super::{
    draft::{ScarDraft, TransplantDraft},
    fields::{vocab_options, yes_no_options, yes_no_str, RadioGroup, TextField},
    FormCtx,
};
use crate::{
    bind,
    domain::{vocab::*, MAX_SCARS, MAX_TRANSPLANTS},
};

/// Read/write one string of row `i` of a list in the draft.
fn row_text<R: 'static>(
    ctx: FormCtx,
    i: usize,
    rows: fn(&super::Draft) -> &Vec<R>,
    rows_mut: fn(&mut super::Draft) -> &mut Vec<R>,
    get: fn(&R) -> &String,
    get_mut: fn(&mut R) -> &mut String,
) -> (Signal<String>, Callback<String>) {
    let read = Signal::derive(move || {
        ctx.draft
            .with(|d| rows(d).get(i).map(|r| get(r).clone()).unwrap_or_default())
    });
    let write = Callback::new(move |v: String| {
        ctx.draft.update(|d| {
            if let Some(r) = rows_mut(d).get_mut(i) {
                *get_mut(r) = v;
            }
        })
    });
    (read, write)
}

/// Read/write one choice of row `i`, as its wire string (`to`/`from` convert).
#[allow(clippy::too_many_arguments)]
fn row_choice<R: 'static, T: Copy + Send + Sync + 'static>(
    ctx: FormCtx,
    i: usize,
    rows: fn(&super::Draft) -> &Vec<R>,
    rows_mut: fn(&mut super::Draft) -> &mut Vec<R>,
    get: fn(&R) -> Option<T>,
    get_mut: fn(&mut R) -> &mut Option<T>,
    to: fn(T) -> String,
    from: fn(&str) -> Option<T>,
) -> (Signal<Option<String>>, Callback<String>) {
    let read = Signal::derive(move || ctx.draft.with(|d| rows(d).get(i).and_then(get).map(to)));
    let write = Callback::new(move |v: String| {
        ctx.draft.update(|d| {
            if let Some(r) = rows_mut(d).get_mut(i) {
                *get_mut(r) = from(&v);
            }
        })
    });
    (read, write)
}

fn wire<T: Vocab>(v: T) -> String {
    v.as_str().to_string()
}

fn yes_no_from(s: &str) -> Option<bool> {
    Some(s == "yes")
}

#[component]
pub fn Scars() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (has, set_has) = bind!(yes_no, ctx, has_scars);
    let count = Memo::new(move |_| ctx.draft.with(|d| d.scars.len()));
    let set_has = Callback::new(move |v: String| {
        let yes = v == "yes";
        set_has.run(v);
        if yes && count.get_untracked() == 0 {
            ctx.draft.update(|d| d.scars.push(ScarDraft::default()));
        }
    });
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let (kind, set_kind) = row_choice(ctx, i, |d| &d.scars, |d| &mut d.scars, |r| r.kind, |r| &mut r.kind, wire, ScarKind::parse);
                let (loc, set_loc) = row_text(ctx, i, |d| &d.scars, |d| &mut d.scars, |r| &r.location, |r| &mut r.location);
                let (size, set_size) = row_text(ctx, i, |d| &d.scars, |d| &mut d.scars, |r| &r.size_cm, |r| &mut r.size_cm);
                let (age, set_age) = row_text(ctx, i, |d| &d.scars, |d| &mut d.scars, |r| &r.age_months, |r| &mut r.age_months);
                let (cam, set_cam) = row_choice(ctx, i, |d| &d.scars, |d| &mut d.scars, |r| r.camouflage_wanted, |r| &mut r.camouflage_wanted, yes_no_str, yes_no_from);
                view! {
                    <section class="card" aria-label=format!("Scar {}", i + 1)>
                        <h2>{format!("Scar {}", i + 1)}</h2>
                        <RadioGroup path=format!("scars[{i}].kind") legend=q::SCAR_KIND.label options={vocab_options::<ScarKind>()} get=kind set=set_kind/>
                        <TextField path=format!("scars[{i}].location") label=q::SCAR_LOCATION.label required=true maxlength=200 get=loc set=set_loc/>
                        <TextField path=format!("scars[{i}].size_cm") label=q::SCAR_SIZE.label inputmode="decimal" required=true maxlength=5 get=size set=set_size/>
                        <TextField path=format!("scars[{i}].age_months") label=q::SCAR_AGE.label hint="Scars must be fully healed, usually 6 months or more." inputmode="numeric" required=true maxlength=4 get=age set=set_age/>
                        <RadioGroup path=format!("scars[{i}].camouflage_wanted") legend=q::SCAR_CAMOUFLAGE.label options=yes_no_options() get=cam set=set_cam/>
                        <button type="button" class="button danger" on:click=move |_| ctx.draft.update(|d| { if i < d.scars.len() { d.scars.remove(i); } })>
                            {format!("Remove scar {}", i + 1)}
                        </button>
                    </section>
                }
            })
            .collect_view()
    };
    view! {
        <RadioGroup path=q::HAS_SCARS.path legend=q::HAS_SCARS.label options=yes_no_options() get=has set=set_has/>
        {when(move || has.get().as_deref() == Some("yes"), move || view! {
            {rows}
            <p id="f-scars" tabindex="-1"></p>
            <super::fields::FieldError path="scars"/>
            {when(move || { count.get() < MAX_SCARS }, move || view! {
                <button type="button" class="button" on:click=move |_| ctx.draft.update(|d| d.scars.push(ScarDraft::default()))>"Add a scar"</button>
            })}
        })}
    }
}

#[component]
pub fn Transplants() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (has, set_has) = bind!(yes_no, ctx, has_transplants);
    let count = Memo::new(move |_| ctx.draft.with(|d| d.transplants.len()));
    let set_has = Callback::new(move |v: String| {
        let yes = v == "yes";
        set_has.run(v);
        if yes && count.get_untracked() == 0 {
            ctx.draft
                .update(|d| d.transplants.push(TransplantDraft::default()));
        }
    });
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let (tech, set_tech) = row_choice(ctx, i, |d| &d.transplants, |d| &mut d.transplants, |r| r.technique, |r| &mut r.technique, wire, TransplantTechnique::parse);
                let (year, set_year) = row_text(ctx, i, |d| &d.transplants, |d| &mut d.transplants, |r| &r.year, |r| &mut r.year);
                let (grafts, set_grafts) = row_text(ctx, i, |d| &d.transplants, |d| &mut d.transplants, |r| &r.grafts, |r| &mut r.grafts);
                let (outcome, set_outcome) = row_choice(ctx, i, |d| &d.transplants, |d| &mut d.transplants, |r| r.outcome, |r| &mut r.outcome, wire, TransplantOutcome::parse);
                view! {
                    <section class="card" aria-label=format!("Transplant {}", i + 1)>
                        <h2>{format!("Transplant {}", i + 1)}</h2>
                        <RadioGroup path=format!("transplants[{i}].technique") legend=q::TRANSPLANT_TECHNIQUE.label options={vocab_options::<TransplantTechnique>()} get=tech set=set_tech/>
                        <TextField path=format!("transplants[{i}].year") label=q::TRANSPLANT_YEAR.label inputmode="numeric" required=true maxlength=4 get=year set=set_year/>
                        <TextField path=format!("transplants[{i}].grafts") label=q::TRANSPLANT_GRAFTS.label inputmode="numeric" maxlength=5 get=grafts set=set_grafts/>
                        <RadioGroup path=format!("transplants[{i}].outcome") legend=q::TRANSPLANT_OUTCOME.label options={vocab_options::<TransplantOutcome>()} get=outcome set=set_outcome/>
                        <button type="button" class="button danger" on:click=move |_| ctx.draft.update(|d| { if i < d.transplants.len() { d.transplants.remove(i); } })>
                            {format!("Remove transplant {}", i + 1)}
                        </button>
                    </section>
                }
            })
            .collect_view()
    };
    view! {
        <RadioGroup path=q::HAS_TRANSPLANTS.path legend=q::HAS_TRANSPLANTS.label options=yes_no_options() get=has set=set_has/>
        {when(move || has.get().as_deref() == Some("yes"), move || view! {
            {rows}
            <p id="f-transplants" tabindex="-1"></p>
            <super::fields::FieldError path="transplants"/>
            {when(move || { count.get() < MAX_TRANSPLANTS }, move || view! {
                <button type="button" class="button" on:click=move |_| ctx.draft.update(|d| d.transplants.push(TransplantDraft::default()))>"Add a transplant"</button>
            })}
        })}
    }
}
