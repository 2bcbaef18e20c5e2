//! Form controls with labels, hints and errors wired for screen readers:
//! each error sits next to its field, is referenced by `aria-describedby`,
//! sets `aria-invalid`, and is announced when it appears.

use leptos::prelude::*;

use super::{draft::Draft, FormCtx};

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

/// The error line under a field (present only while there is an error).
#[component]
pub fn FieldError(#[prop(into)] path: String) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let id = error_id(&path);
    let p = path.clone();
    let message = Signal::derive(move || ctx.shown.with(|e| e.first(&p)));
    view! {
        <Show when=move || message.with(Option::is_some)>
            <p class="error" id=id.clone()>{move || message.get().unwrap_or_default()}</p>
        </Show>
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
    ctx.register(&path, &label);
    let id = field_id(&path);
    let has_hint = hint.is_some();
    let p1 = path.clone();
    let invalid = Signal::derive(move || ctx.shown.with(|e| e.get(&p1).is_some()));
    let p2 = path.clone();
    let describedby = move || described_by(&p2, has_hint, invalid.get());
    let p3 = path.clone();
    let on_blur = move |_| ctx.touch(&p3);
    let p4 = path.clone();
    let on_input = move |ev| {
        set.run(event_target_value(&ev));
        ctx.revalidate_if_shown(&p4);
    };
    let input = if multiline {
        view! {
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
        }
        .into_any()
    } else {
        view! {
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
        }
        .into_any()
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

/// A group of radio buttons for one choice (`None` until chosen).
#[component]
pub fn RadioGroup<T>(
    #[prop(into)] path: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<(T, String)>,
    get: Signal<Option<T>>,
    set: Callback<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let ctx = expect_context::<FormCtx>();
    ctx.register(&path, &legend);
    let id = field_id(&path);
    let has_hint = hint.is_some();
    let p1 = path.clone();
    let invalid = Signal::derive(move || ctx.shown.with(|e| e.get(&p1).is_some()));
    let p2 = path.clone();
    let describedby = move || described_by(&p2, has_hint, invalid.get());
    let name = id.clone();
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let input_id = format!("{id}-{i}");
            let p = path.clone();
            view! {
                <label class="choice" for=input_id.clone()>
                    <input
                        type="radio"
                        id=input_id.clone()
                        name=name.clone()
                        prop:checked=move || get.get() == Some(value)
                        on:change=move |_| {
                            set.run(value);
                            ctx.touch(&p);
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

/// A yes/no question stored in the draft's answer map under its JSON path.
#[component]
pub fn YesNoField(#[prop(into)] path: String, #[prop(into)] legend: String) -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let key = path.clone();
    let get = Signal::derive(move || ctx.draft.with(|d| d.yes_no(&key)));
    let key = path.clone();
    let set = Callback::new(move |v: bool| {
        ctx.draft.update(|d| {
            d.yes_no.0.insert(key.clone(), v);
        })
    });
    view! {
        <RadioGroup path=path legend=legend options=vec![(true, "Yes".to_string()), (false, "No".to_string())] get=get set=set/>
    }
}

/// Check boxes for a set of values.
#[component]
pub fn CheckboxGroup<T>(
    #[prop(into)] path: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<(T, String)>,
    get: Signal<Vec<T>>,
    set: Callback<Vec<T>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let ctx = expect_context::<FormCtx>();
    ctx.register(&path, &legend);
    let id = field_id(&path);
    let has_hint = hint.is_some();
    let p1 = path.clone();
    let invalid = Signal::derive(move || ctx.shown.with(|e| e.get(&p1).is_some()));
    let p2 = path.clone();
    let describedby = move || described_by(&p2, has_hint, invalid.get());
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let input_id = format!("{id}-{i}");
            let p = path.clone();
            view! {
                <label class="choice" for=input_id.clone()>
                    <input
                        type="checkbox"
                        id=input_id.clone()
                        prop:checked=move || get.with(|v| v.contains(&value))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut list = get.get_untracked();
                            list.retain(|x| *x != value);
                            if on {
                                list.push(value);
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

/// Binds an `Option<T>` choice of the draft.
pub fn choice<T: Copy + Send + Sync + 'static>(
    ctx: FormCtx,
    get: fn(&Draft) -> &Option<T>,
    get_mut: fn(&mut Draft) -> &mut Option<T>,
) -> (Signal<Option<T>>, Callback<T>) {
    let read = Signal::derive(move || ctx.draft.with(|d| *get(d)));
    let write = Callback::new(move |v: T| ctx.draft.update(|d| *get_mut(d) = Some(v)));
    (read, write)
}

/// Binds a `Vec<T>` of the draft.
pub fn list<T: Clone + Send + Sync + 'static>(
    ctx: FormCtx,
    get: fn(&Draft) -> &Vec<T>,
    get_mut: fn(&mut Draft) -> &mut Vec<T>,
) -> (Signal<Vec<T>>, Callback<Vec<T>>) {
    let read = Signal::derive(move || ctx.draft.with(|d| get(d).clone()));
    let write = Callback::new(move |v: Vec<T>| ctx.draft.update(|d| *get_mut(d) = v));
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
pub fn vocab_options<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<(T, String)> {
    all.iter().map(|v| (*v, label(*v).to_string())).collect()
}
