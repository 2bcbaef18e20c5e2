//! The wizard's steps, and where the current one is drawn.

use leptos::{either::EitherOf12, prelude::*};

use super::{about, consent_step, done, history, medical, preferences, review, signature};

/// The wizard's steps, in the order they are asked. Stored in the draft
/// by position (as before they were named).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    #[default]
    AboutYou,
    HairLoss,
    Scars,
    Transplants,
    Medical,
    Comfort,
    Lifestyle,
    Goals,
    Consent,
    Signature,
    Review,
    Done,
}

use Step::*;

impl Step {
    pub const ALL: [Step; 12] = [
        AboutYou,
        HairLoss,
        Scars,
        Transplants,
        Medical,
        Comfort,
        Lifestyle,
        Goals,
        Consent,
        Signature,
        Review,
        Done,
    ];

    /// The step's title and the JSON paths whose errors it shows.
    fn table(self) -> (&'static str, &'static [&'static str]) {
        match self {
            AboutYou => ("About you", &["client", "appointment"]),
            HairLoss => ("Hair loss", &["hair_loss"]),
            Scars => ("Scars", &["has_scars", "scars"]),
            Transplants => ("Previous transplants", &["has_transplants", "transplants"]),
            Medical => ("Medical screening", &["medical"]),
            Comfort => ("Comfort and pain", &["comfort"]),
            Lifestyle => ("Lifestyle", &["lifestyle"]),
            Goals => ("Goals", &["goals"]),
            Consent => ("Consent", &["consent"]),
            Signature => ("Signature", &["signature"]),
            Review => ("Review", &[]),
            Done => ("Done", &[]),
        }
    }

    pub fn title(self) -> &'static str {
        self.table().0
    }

    pub fn paths(self) -> &'static [&'static str] {
        self.table().1
    }

    /// 1 for the first step.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    pub fn next(self) -> Step {
        Self::ALL[(self as usize + 1).min(Done as usize)]
    }

    pub fn back(self) -> Step {
        Self::ALL[(self as usize).saturating_sub(1)]
    }

    /// The steps with questions, before Review.
    pub fn asking() -> &'static [Step] {
        &Self::ALL[..Review as usize]
    }
}

impl serde::Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

impl<'de> serde::Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = <u8 as serde::Deserialize>::deserialize(d)?;
        Ok(Self::ALL.get(usize::from(n)).copied().unwrap_or_default())
    }
}

/// The current step's form.
fn current_step(step: Step) -> impl IntoView {
    match step {
        AboutYou => EitherOf12::A(about::AboutYou()),
        HairLoss => EitherOf12::B(about::HairLoss()),
        Scars => EitherOf12::C(history::Scars()),
        Transplants => EitherOf12::D(history::Transplants()),
        Medical => EitherOf12::E(medical::Medical()),
        Comfort => EitherOf12::F(preferences::Comfort()),
        Lifestyle => EitherOf12::G(preferences::Lifestyle()),
        Goals => EitherOf12::H(preferences::Goals()),
        Consent => EitherOf12::I(consent_step::ConsentStep()),
        Signature => EitherOf12::J(signature::SignatureStep()),
        Review => EitherOf12::K(review::Review()),
        Done => EitherOf12::L(done::Done()),
    }
}

/// Where the steps appear. The server writes the first step into the page,
/// so it can be read and typed into before the WASM arrives. The browser
/// then builds the steps itself instead of hydrating that markup: hydrating
/// means code for every step's markup besides the code that draws it, and
/// leaving it out makes the client's bundle markedly smaller. Answers typed
/// meanwhile are given back by `hydrate.js`.
#[cfg(not(feature = "hydrate"))]
pub(super) fn step_area(step: Memo<Step>) -> impl IntoView {
    let first = current_step(step.get_untracked()).to_html();
    view! { <div class="step-area" inner_html=first></div> }
}

#[cfg(feature = "hydrate")]
pub(super) fn step_area(step: Memo<Step>) -> impl IntoView {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_stored_by_position_as_drafts_always_were() {
        for (i, s) in Step::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_string(s).unwrap(), i.to_string());
            assert_eq!(serde_json::from_str::<Step>(&i.to_string()).unwrap(), *s);
        }
        // A draft from a future version starts again at the beginning.
        assert_eq!(serde_json::from_str::<Step>("99").unwrap(), AboutYou);
        assert_eq!(Signature.next(), Review);
        assert_eq!(Done.next(), Done);
        assert_eq!(AboutYou.back(), AboutYou);
        assert_eq!(Step::asking().len(), 10);
        assert_eq!(Review.number(), 11);
    }
}
