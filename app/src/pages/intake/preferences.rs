//! Steps 6–8: comfort and pain, lifestyle, goals.

use leptos::prelude::*;

use super::{
    draft::{COMFORT_QUESTIONS, LIFESTYLE_QUESTIONS},
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
        <RadioGroup path="comfort.pain_tolerance" legend="How sensitive are you to pain?" hint="0 is not sensitive at all, 10 is very sensitive." options=options get=pain set=set_pain/>
        {COMFORT_QUESTIONS.iter().map(|(path, q)| view! { <YesNoField path=*path legend=*q/> }).collect_view()}
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
        <RadioGroup path="lifestyle.sun_exposure" legend="How much sun does your scalp get?" options={vocab_options::<SunExposure>()} get=sun set=set_sun/>
        {LIFESTYLE_QUESTIONS.iter().map(|(path, q)| view! { <YesNoField path=*path legend=*q/> }).collect_view()}
        <RadioGroup path="lifestyle.scalp_type" legend="Your scalp is usually" options={vocab_options::<ScalpType>()} get=scalp set=set_scalp/>
        <RadioGroup path="lifestyle.hair_style" legend="How do you keep your hair?" options={vocab_options::<HairStyle>()} get=style set=set_style/>
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
        <RadioGroup path="goals.hairline_style" legend="Hairline you would like" options={vocab_options::<HairlineStyle>()} get=line set=set_line/>
        <RadioGroup path="goals.density" legend="Density you would like" options={vocab_options::<Density>()} get=density set=set_density/>
        <TextField path="goals.natural_hair_colour" label="Your natural hair colour" autocomplete="off" maxlength=60 get=colour set=set_colour/>
        <TextField path="goals.notes" label="Anything else about the look you want?" multiline=true maxlength=2000 get=notes set=set_notes/>
    }
}
