//! The wizard's steps, and where the current one is drawn.

use leptos::{either::EitherOf12, prelude::*};

use super::{about, consent_step, done, history, medical, preferences, review, signature};

/// A wizard step: its title and the JSON paths whose errors it shows.
pub struct Step {
    pub title: &'static str,
    pub paths: &'static [&'static str],
}

pub const STEPS: &[Step] = &[
    Step {
        title: "About you",
        paths: &["client", "appointment"],
    },
    Step {
        title: "Hair loss",
        paths: &["hair_loss"],
    },
    Step {
        title: "Scars",
        paths: &["has_scars", "scars"],
    },
    Step {
        title: "Previous transplants",
        paths: &["has_transplants", "transplants"],
    },
    Step {
        title: "Medical screening",
        paths: &["medical"],
    },
    Step {
        title: "Comfort and pain",
        paths: &["comfort"],
    },
    Step {
        title: "Lifestyle",
        paths: &["lifestyle"],
    },
    Step {
        title: "Goals",
        paths: &["goals"],
    },
    Step {
        title: "Consent",
        paths: &["consent"],
    },
    Step {
        title: "Signature",
        paths: &["signature"],
    },
    Step {
        title: "Review",
        paths: &[],
    },
    Step {
        title: "Done",
        paths: &[],
    },
];
pub const REVIEW: usize = 10;
pub const DONE: usize = 11;

/// The current step's form.
fn current_step(step: usize) -> impl IntoView {
    match step {
        0 => EitherOf12::A(about::AboutYou()),
        1 => EitherOf12::B(about::HairLoss()),
        2 => EitherOf12::C(history::Scars()),
        3 => EitherOf12::D(history::Transplants()),
        4 => EitherOf12::E(medical::Medical()),
        5 => EitherOf12::F(preferences::Comfort()),
        6 => EitherOf12::G(preferences::Lifestyle()),
        7 => EitherOf12::H(preferences::Goals()),
        8 => EitherOf12::I(consent_step::ConsentStep()),
        9 => EitherOf12::J(signature::SignatureStep()),
        REVIEW => EitherOf12::K(review::Review()),
        _ => EitherOf12::L(done::Done()),
    }
}

/// Where the steps appear. The server writes the first step into the page,
/// so it can be read and typed into before the WASM arrives. The browser
/// then builds the steps itself instead of hydrating that markup: hydrating
/// means code for every step's markup besides the code that draws it, and
/// leaving it out makes the client's bundle markedly smaller. Answers typed
/// meanwhile are given back by `hydrate.js`.
#[cfg(not(feature = "hydrate"))]
pub(super) fn step_area(step: Memo<usize>) -> impl IntoView {
    let first = current_step(step.get_untracked()).to_html();
    view! { <div class="step-area" inner_html=first></div> }
}

#[cfg(feature = "hydrate")]
pub(super) fn step_area(step: Memo<usize>) -> impl IntoView {
    use leptos::tachys::view::{Mountable, Render};

    let area = NodeRef::<leptos::html::Div>::new();
    // Runs once, after hydration (and after the saved draft is read, so the
    // client's own step is drawn first time). The built view lives as long
    // as this effect, that is as long as the page.
    let built = StoredValue::new_local(None);
    Effect::new(move |_| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        el.set_inner_html("");
        let mut view = (move || current_step(step.get())).build();
        view.mount(&el, None);
        built.set_value(Some(view));
    });
    view! { <div class="step-area" node_ref=area></div> }
}
