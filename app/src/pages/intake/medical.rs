//! Step 5: medical screening. These answers drive the staff's flags.

use leptos::prelude::*;

use super::fields::when;

use super::{
    draft::MEDICAL_QUESTIONS,
    fields::{vocab_options, CheckboxGroup, TextField, YesNoField},
    FormCtx,
};
use crate::{bind, domain::vocab::*};

#[component]
pub fn Medical() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (allergies, set_allergies) = bind!(list, ctx, allergies);
    let (details, set_details) = bind!(text, ctx, allergy_details);
    let (skin, set_skin) = bind!(list, ctx, skin_conditions);
    let (skin_other, set_skin_other) = bind!(text, ctx, skin_condition_other);
    let (meds, set_meds) = bind!(text, ctx, medications);
    view! {
        <p>"Your practitioner reads these answers before your visit to plan a safe treatment. They are kept confidential."</p>
        <CheckboxGroup path="medical.allergies" legend="Are you allergic to any of these?" hint="Leave empty if none." options={vocab_options::<Allergy>()} get=allergies set=set_allergies/>
        {when(move || !allergies.with(Vec::is_empty), move || view! {
            <TextField path="medical.allergy_details" label="What do you react to, and how?" required=true multiline=true maxlength=1000 get=details set=set_details/>
        })}
        <CheckboxGroup path="medical.skin_conditions" legend="Do you have any of these on your scalp?" hint="Leave empty if none." options={vocab_options::<SkinCondition>()} get=skin set=set_skin/>
        {when(move || skin.with(|s| s.iter().any(|v| v == SkinCondition::Other.as_str())), move || view! {
            <TextField path="medical.skin_condition_other" label="What is the other condition?" required=true maxlength=500 get=skin_other set=set_skin_other/>
        })}
        {MEDICAL_QUESTIONS.iter().map(|(path, q)| view! { <YesNoField path=*path legend=*q/> }).collect_view()}
        <TextField path="medical.medications" label="Medicines you take" hint="Include anything for hair loss, like finasteride." multiline=true maxlength=1000 get=meds set=set_meds/>
    }
}
