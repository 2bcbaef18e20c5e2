//! Steps 1–2: about the client, and their hair loss.

use leptos::prelude::*;

use crate::domain::questions as q;

use super::fields::when;

use super::{
    draft::Pattern,
    fields::{vocab_options, yes_no_options, CheckboxGroup, RadioGroup, TextField},
    FormCtx,
};
use crate::{bind, domain::vocab::*};

#[component]
pub fn AboutYou() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (name, set_name) = bind!(text, ctx, full_name);
    let (dob, set_dob) = bind!(text, ctx, date_of_birth);
    let (email, set_email) = bind!(text, ctx, email);
    let (phone, set_phone) = bind!(text, ctx, phone);
    let (contact, set_contact) = bind!(choice, ctx, preferred_contact);
    let (date, set_date) = bind!(text, ctx, preferred_date);
    view! {
        <p>"Your answers stay on this phone until you send them, and are deleted from it 7 days after your last change."</p>
        <TextField path=q::FULL_NAME.path label=q::FULL_NAME.label required=true autocomplete="name" maxlength=120 get=name set=set_name/>
        <TextField path=q::DATE_OF_BIRTH.path label=q::DATE_OF_BIRTH.label kind="date" required=true autocomplete="bday" hint="You must be 18 or older." get=dob set=set_dob/>
        <TextField path=q::EMAIL.path label=q::EMAIL.label kind="email" inputmode="email" autocomplete="email" hint="We send your signed consent here." get=email set=set_email/>
        <TextField path=q::PHONE.path label=q::PHONE.label kind="tel" inputmode="tel" autocomplete="tel" get=phone set=set_phone/>
        <RadioGroup path=q::PREFERRED_CONTACT.path legend=q::PREFERRED_CONTACT.label options={vocab_options::<PreferredContact>()} get=contact set=set_contact/>
        <TextField path=q::PREFERRED_DATE.path label=q::PREFERRED_DATE.label kind="date" get=date set=set_date/>
    }
}

#[component]
pub fn HairLoss() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (causes, set_causes) = bind!(list, ctx, causes);
    let (other, set_other) = bind!(text, ctx, cause_other);
    let (years, set_years) = bind!(text, ctx, years);
    let (progressing, set_progressing) = bind!(yes_no, ctx, progressing);
    let (areas, set_areas) = bind!(list, ctx, areas);
    let (pattern, set_pattern) = bind!(choice, ctx, pattern);
    let (norwood, set_norwood) = bind!(number_choice, ctx, norwood_stage);
    let (ludwig, set_ludwig) = bind!(number_choice, ctx, ludwig_stage);
    let norwood_opts: Vec<(String, String)> = (1..=7)
        .map(|n| (n.to_string(), format!("Stage {n}")))
        .collect();
    let ludwig_opts: Vec<(String, String)> =
        [("1", "Stage I"), ("2", "Stage II"), ("3", "Stage III")]
            .into_iter()
            .map(|(n, l)| (n.to_string(), l.to_string()))
            .collect();
    view! {
        <CheckboxGroup path=q::CAUSES.path legend=q::CAUSES.label hint="Pick all that apply." options={vocab_options::<HairLossCause>()} get=causes set=set_causes/>
        {when(move || causes.with(|c| c.iter().any(|v| v == HairLossCause::Other.as_str())), move || view! {
            <TextField path=q::CAUSE_OTHER.path label=q::CAUSE_OTHER.label required=true maxlength=500 get=other set=set_other/>
        })}
        <TextField path=q::YEARS.path label=q::YEARS.label kind="text" inputmode="numeric" required=true maxlength=2 get=years set=set_years/>
        <RadioGroup path=q::PROGRESSING.path legend=q::PROGRESSING.label options=yes_no_options() get=progressing set=set_progressing/>
        <CheckboxGroup path=q::AREAS.path legend=q::AREAS.label options={vocab_options::<HairLossArea>()} get=areas set=set_areas/>
        <RadioGroup
            path=q::HAIR_PATTERN.path
            legend=q::HAIR_PATTERN.label
            options={vocab_options::<Pattern>()}
            get=pattern
            set=set_pattern
        />
        {when(move || pattern.get().as_deref() == Some(Pattern::Male.as_str()), move || view! {
            <RadioGroup path=q::NORWOOD_STAGE.path legend=q::NORWOOD_STAGE.label hint="1 is a full hairline, 7 is the most advanced." options=norwood_opts.clone() get=norwood set=set_norwood/>
        })}
        {when(move || pattern.get().as_deref() == Some(Pattern::Female.as_str()), move || view! {
            <RadioGroup path=q::LUDWIG_STAGE.path legend=q::LUDWIG_STAGE.label hint="I is mild thinning, III is extensive." options=ludwig_opts.clone() get=ludwig set=set_ludwig/>
        })}
    }
}
