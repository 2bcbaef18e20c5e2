//! Steps 6–8: comfort and pain, lifestyle, goals.

use leptos::prelude::*;

use crate::domain::questions as q;

use super::{
    fields::{vocab_options, RadioGroup, TextField, YesNoField},
    FormCtx,
};
use crate::{bind, domain::vocab::*};

#[component]
pub fn Comfort() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (pain, set_pain) = bind!(number_choice, ctx, pain_tolerance);
    let options: Vec<(String, String)> = (0..=10)
        .map(|n| {
            let label = match n {
                0 => "0 — I barely feel pain".to_string(),
                5 => "5 — average".to_string(),
                10 => "10 — I am very sensitive".to_string(),
                n => n.to_string(),
            };
            (n.to_string(), label)
        })
        .collect();
    view! {
        <p>"Most clients feel a scratching or buzzing sensation. Numbing cream is usually applied first."</p>
        <RadioGroup path=q::PAIN_TOLERANCE.path legend=q::PAIN_TOLERANCE.label hint="0 is not sensitive at all, 10 is very sensitive." options=options get=pain set=set_pain/>
        {q::COMFORT_YES_NO.iter().map(|q| view! { <YesNoField path=q.path legend=q.label/> }).collect_view()}
    }
}

#[component]
pub fn Lifestyle() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (sun, set_sun) = bind!(choice, ctx, sun_exposure);
    let (scalp, set_scalp) = bind!(choice, ctx, scalp_type);
    let (style, set_style) = bind!(choice, ctx, hair_style);
    view! {
        <p>"These affect how long your results last."</p>
        <RadioGroup path=q::SUN_EXPOSURE.path legend=q::SUN_EXPOSURE.label options={vocab_options::<SunExposure>()} get=sun set=set_sun/>
        {q::LIFESTYLE_YES_NO.iter().map(|q| view! { <YesNoField path=q.path legend=q.label/> }).collect_view()}
        <RadioGroup path=q::SCALP_TYPE.path legend=q::SCALP_TYPE.label options={vocab_options::<ScalpType>()} get=scalp set=set_scalp/>
        <RadioGroup path=q::HAIR_STYLE.path legend=q::HAIR_STYLE.label options={vocab_options::<HairStyle>()} get=style set=set_style/>
    }
}

#[component]
pub fn Goals() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (line, set_line) = bind!(choice, ctx, hairline_style);
    let (density, set_density) = bind!(choice, ctx, density);
    let (colour, set_colour) = bind!(text, ctx, natural_hair_colour);
    let (notes, set_notes) = bind!(text, ctx, notes);
    view! {
        <RadioGroup path=q::HAIRLINE_STYLE.path legend=q::HAIRLINE_STYLE.label options={vocab_options::<HairlineStyle>()} get=line set=set_line/>
        <RadioGroup path=q::DENSITY.path legend=q::DENSITY.label options={vocab_options::<Density>()} get=density set=set_density/>
        <TextField path=q::NATURAL_HAIR_COLOUR.path label=q::NATURAL_HAIR_COLOUR.label autocomplete="off" maxlength=60 get=colour set=set_colour/>
        <TextField path=q::GOAL_NOTES.path label=q::GOAL_NOTES.label multiline=true maxlength=2000 get=notes set=set_notes/>
    }
}
