//! Form controls with labels, hints and errors wired for screen readers:
//! each error sits next to its field, is referenced by `aria-describedby`,
//! sets `aria-invalid`, and is announced when it appears.

use leptos::{either::Either, prelude::*};

use super::{draft::Draft, FormCtx};
use crate::domain::vocab::Vocab;

/// The element id for a JSON path: `scars[0].size_cm` → `f-scars-0-size_cm`.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        match c {
            '.' | '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

fn error_id(path: &str) -> String {
    format!("{}-error", field_id(path))
}

fn hint_id(path: &str) -> String {
    format!("{}-hint", field_id(path))
}

fn described_by(path: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(hint_id(path));
    }
    if has_error {
        ids.push(error_id(path));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// Shows `view` while `cond` holds. Like `<Show>`, the condition is a memo,
/// so typing inside does not redraw the view; unlike it, the view is not
/// boxed, which keeps the client's bundle smaller.
pub fn when<V>(
    cond: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let shown = Memo::new(move |_| cond());
    move || shown.get().then(&view)
}

/// The error line under a field (present only while there is an error).
#[component]
pub fn FieldError(#[prop(into)] path: String) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let id = error_id(&path);
    let p = path.clone();
    let message = Signal::derive(move || ctx.shown.with(|e| e.first(&p)));
    view! {
        {when(move || message.with(Option::is_some), move || view! {
            <p class="error" id=id.clone()>{move || message.get().unwrap_or_default()}</p>
        })}
    }
}

/// What every control needs to tie its label, hint and error together.
struct Wiring {
    id: String,
    invalid: Signal<bool>,
    describedby: Signal<Option<String>>,
}

fn wire(ctx: FormCtx, path: &str, label: &str, has_hint: bool) -> Wiring {
    ctx.register(path, label);
    let p = path.to_string();
    let invalid = Signal::derive(move || ctx.shown.with(|e| e.get(&p).is_some()));
    let p = path.to_string();
    let describedby = Signal::derive(move || described_by(&p, has_hint, invalid.get()));
    Wiring {
        id: field_id(path),
        invalid,
        describedby,
    }
}

pub type TextGet = Signal<String>;
pub type TextSet = Callback<String>;

/// A text-like input bound to a draft string.
#[component]
pub fn TextField(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] maxlength: Option<u32>,
    get: TextGet,
    set: TextSet,
) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let Wiring {
        id,
        invalid,
        describedby,
    } = wire(ctx, &path, &label, hint.is_some());
    let p3 = path.clone();
    let on_blur = move |_| ctx.touch(&p3);
    let p4 = path.clone();
    let on_input = move |ev| {
        set.run(event_target_value(&ev));
        ctx.revalidate_if_shown(&p4);
    };
    let input = if multiline {
        Either::Left(view! {
            <textarea
                id=id.clone()
                name=id.clone()
                prop:value=move || get.get()
                on:input=on_input
                on:blur=on_blur
                aria-invalid=move || invalid.get().to_string()
                aria-describedby=describedby
                aria-required=required.to_string()
                maxlength=maxlength
                rows="4"
            ></textarea>
        })
    } else {
        Either::Right(view! {
            <input
                id=id.clone()
                name=id.clone()
                type=kind
                inputmode=inputmode
                autocomplete=autocomplete
                prop:value=move || get.get()
                on:input=on_input
                on:blur=on_blur
                aria-invalid=move || invalid.get().to_string()
                aria-describedby=describedby
                aria-required=required.to_string()
                maxlength=maxlength
            />
        })
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}{(!required).then_some(" (optional)")}</label>
            {hint.map(|h| view! { <span class="hint" id=hint_id(&path)>{h}</span> })}
            {input}
            <FieldError path=path.clone()/>
        </div>
    }
}

/// Choices as (wire value, label). Controls work on strings so one copy of
/// each control serves every vocabulary (generic controls would be compiled
/// once per type, which costs the phone download size).
pub type Options = Vec<(String, String)>;

/// A group of radio buttons for one choice (`None` until chosen).
#[component]
pub fn RadioGroup(
    #[prop(into)] path: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Options,
    get: Signal<Option<String>>,
    set: Callback<String>,
) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let Wiring {
        id,
        invalid,
        describedby,
    } = wire(ctx, &path, &legend, hint.is_some());
    let name = id.clone();
    // Two short answers (yes/no) sit side by side: half the scrolling.
    let choices_class = if options.len() == 2 {
        "choices two"
    } else {
        "choices"
    };
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let input_id = format!("{id}-{i}");
            let p = path.clone();
            let v1 = value.clone();
            view! {
                <label class="choice" for=input_id.clone()>
                    <input
                        type="radio"
                        id=input_id.clone()
                        name=name.clone()
                        value=value.clone()
                        aria-invalid=move || invalid.get().to_string()
                        aria-describedby=describedby
                        prop:checked=move || get.with(|g| g.as_deref() == Some(v1.as_str()))
                        on:change=move |_| {
                            set.run(value.clone());
                            ctx.touch(&p);
                        }
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field" id=id.clone() tabindex="-1" role="radiogroup" aria-invalid=move || invalid.get().to_string() aria-describedby=describedby>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <span class="hint" id=hint_id(&path)>{h}</span> })}
            <div class=choices_class>{items}</div>
            <FieldError path=path.clone()/>
        </fieldset>
    }
}

/// A yes/no question stored in the draft's answer map under its JSON path.
#[component]
pub fn YesNoField(#[prop(into)] path: String, #[prop(into)] legend: String) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let key = path.clone();
    let get = Signal::derive(move || ctx.draft.with(|d| d.yes_no(&key)).map(yes_no_str));
    let key = path.clone();
    let set = Callback::new(move |v: String| {
        ctx.draft.update(|d| {
            d.yes_no.0.insert(key.clone(), v == "yes");
        })
    });
    view! { <RadioGroup path=path legend=legend options=yes_no_options() get=get set=set/> }
}

pub fn yes_no_str(v: bool) -> String {
    if v { "yes" } else { "no" }.to_string()
}

pub fn yes_no_options() -> Options {
    vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
}

/// Check boxes for a set of values.
#[component]
pub fn CheckboxGroup(
    #[prop(into)] path: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Options,
    get: Signal<Vec<String>>,
    set: Callback<Vec<String>>,
) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let Wiring {
        id,
        invalid,
        describedby,
    } = wire(ctx, &path, &legend, hint.is_some());
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let input_id = format!("{id}-{i}");
            let p = path.clone();
            let v1 = value.clone();
            view! {
                <label class="choice" for=input_id.clone()>
                    <input
                        type="checkbox"
                        id=input_id.clone()
                        value=value.clone()
                        aria-invalid=move || invalid.get().to_string()
                        aria-describedby=describedby
                        prop:checked=move || get.with(|v| v.contains(&v1))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut list = get.get_untracked();
                            list.retain(|x| *x != value);
                            if on {
                                list.push(value.clone());
                            }
                            set.run(list);
                            ctx.revalidate_if_shown(&p);
                        }
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field" id=id.clone() tabindex="-1" aria-invalid=move || invalid.get().to_string() aria-describedby=describedby>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <span class="hint" id=hint_id(&path)>{h}</span> })}
            <div class="choices">{items}</div>
            <FieldError path=path.clone()/>
        </fieldset>
    }
}

/// Binds a `String` field of the draft; see the `bind!` macro.
pub fn text(
    ctx: FormCtx,
    get: fn(&Draft) -> &String,
    get_mut: fn(&mut Draft) -> &mut String,
) -> (TextGet, TextSet) {
    let read = Signal::derive(move || ctx.draft.with(|d| get(d).clone()));
    let write = Callback::new(move |v: String| ctx.draft.update(|d| *get_mut(d) = v));
    (read, write)
}

/// Binds a vocabulary choice of the draft as its wire string.
pub fn choice<T: Vocab>(
    ctx: FormCtx,
    get: fn(&Draft) -> &Option<T>,
    get_mut: fn(&mut Draft) -> &mut Option<T>,
) -> (Signal<Option<String>>, Callback<String>) {
    let read = Signal::derive(move || ctx.draft.with(|d| get(d).map(|v| v.as_str().to_string())));
    let write = Callback::new(move |v: String| ctx.draft.update(|d| *get_mut(d) = T::parse(&v)));
    (read, write)
}

/// Binds a yes/no answer of the draft.
pub fn yes_no(
    ctx: FormCtx,
    get: fn(&Draft) -> &Option<bool>,
    get_mut: fn(&mut Draft) -> &mut Option<bool>,
) -> (Signal<Option<String>>, Callback<String>) {
    let read = Signal::derive(move || ctx.draft.with(|d| get(d).map(yes_no_str)));
    let write =
        Callback::new(move |v: String| ctx.draft.update(|d| *get_mut(d) = Some(v == "yes")));
    (read, write)
}

/// Binds a set of vocabulary values of the draft as wire strings.
pub fn list<T: Vocab>(
    ctx: FormCtx,
    get: fn(&Draft) -> &Vec<T>,
    get_mut: fn(&mut Draft) -> &mut Vec<T>,
) -> (Signal<Vec<String>>, Callback<Vec<String>>) {
    let read = Signal::derive(move || {
        ctx.draft
            .with(|d| get(d).iter().map(|v| v.as_str().to_string()).collect())
    });
    let write = Callback::new(move |v: Vec<String>| {
        ctx.draft
            .update(|d| *get_mut(d) = v.iter().filter_map(|s| T::parse(s)).collect())
    });
    (read, write)
}

/// Binds a number kept as text in the draft to a set of radio choices.
pub fn number_choice(
    ctx: FormCtx,
    get: fn(&Draft) -> &String,
    get_mut: fn(&mut Draft) -> &mut String,
) -> (Signal<Option<String>>, Callback<String>) {
    let read = Signal::derive(move || {
        ctx.draft
            .with(|d| Some(get(d).clone()).filter(|s| !s.is_empty()))
    });
    let write = Callback::new(move |v: String| ctx.draft.update(|d| *get_mut(d) = v));
    (read, write)
}

/// `bind!(text, ctx, full_name)` → a (getter, setter) pair for that draft field.
#[macro_export]
macro_rules! bind {
    ($kind:ident, $ctx:expr, $field:ident) => {
        $crate::pages::intake::fields::$kind($ctx, |d| &d.$field, |d| &mut d.$field)
    };
}

/// Options for a vocabulary: every value with its label.
pub fn vocab_options<T: Vocab>() -> Options {
    T::all()
        .iter()
        .map(|v| (v.as_str().to_string(), v.label().to_string()))
        .collect()
}
