//! Step 5: medical screening. These answers drive the staff's flags.

use leptos::prelude::*;

use crate::domain::questions as q;

use super::fields::when;

use super::{
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
        <CheckboxGroup path=q::ALLERGIES.path legend=q::ALLERGIES.label hint="Leave empty if none." options={vocab_options::<Allergy>()} get=allergies set=set_allergies/>
        {when(move || !allergies.with(Vec::is_empty), move || view! {
            <TextField path=q::ALLERGY_DETAILS.path label=q::ALLERGY_DETAILS.label required=true multiline=true maxlength=1000 get=details set=set_details/>
        })}
        <CheckboxGroup path=q::SKIN_CONDITIONS.path legend=q::SKIN_CONDITIONS.label hint="Leave empty if none." options={vocab_options::<SkinCondition>()} get=skin set=set_skin/>
        {when(move || skin.with(|s| s.iter().any(|v| v == SkinCondition::Other.as_str())), move || view! {
            <TextField path=q::SKIN_CONDITION_OTHER.path label=q::SKIN_CONDITION_OTHER.label required=true maxlength=500 get=skin_other set=set_skin_other/>
        })}
        {q::MEDICAL_YES_NO.iter().map(|q| view! { <YesNoField path=q.path legend=q.label/> }).collect_view()}
        <TextField path=q::MEDICATIONS.path label=q::MEDICATIONS.label hint="Include anything for hair loss, like finasteride." multiline=true maxlength=1000 get=meds set=set_meds/>
    }
}
