//! Steps 1–2: about the client, and their hair loss.

use leptos::prelude::*;

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
        <p>"Your answers stay on this phone until you send them at the end."</p>
        <TextField path="client.full_name" label="Full name" required=true autocomplete="name" maxlength=120 get=name set=set_name/>
        <TextField path="client.date_of_birth" label="Date of birth" kind="date" required=true autocomplete="bday" hint="You must be 18 or older." get=dob set=set_dob/>
        <TextField path="client.email" label="E-mail" kind="email" inputmode="email" autocomplete="email" hint="We send your signed consent here." get=email set=set_email/>
        <TextField path="client.phone" label="Mobile phone" kind="tel" inputmode="tel" autocomplete="tel" get=phone set=set_phone/>
        <RadioGroup path="client.preferred_contact" legend="How should the clinic contact you?" options={vocab_options::<PreferredContact>()} get=contact set=set_contact/>
        <TextField path="appointment.preferred_date" label="Preferred appointment date" kind="date" get=date set=set_date/>
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
        <CheckboxGroup path="hair_loss.causes" legend="What caused your hair loss?" hint="Pick all that apply." options={vocab_options::<HairLossCause>()} get=causes set=set_causes/>
        {when(move || causes.with(|c| c.iter().any(|v| v == HairLossCause::Other.as_str())), move || view! {
            <TextField path="hair_loss.cause_other" label="What is the other cause?" required=true maxlength=500 get=other set=set_other/>
        })}
        <TextField path="hair_loss.years" label="For how many years?" kind="text" inputmode="numeric" required=true maxlength=2 get=years set=set_years/>
        <RadioGroup path="hair_loss.progressing" legend="Is it still getting worse?" options=yes_no_options() get=progressing set=set_progressing/>
        <CheckboxGroup path="hair_loss.areas" legend="Which areas are affected?" options={vocab_options::<HairLossArea>()} get=areas set=set_areas/>
        <RadioGroup
            path="hair_loss.pattern"
            legend="Which pattern describes it best?"
            options={vocab_options::<Pattern>()}
            get=pattern
            set=set_pattern
        />
        {when(move || pattern.get().as_deref() == Some(Pattern::Male.as_str()), move || view! {
            <RadioGroup path="hair_loss.norwood_stage" legend="Norwood stage" hint="1 is a full hairline, 7 is the most advanced." options=norwood_opts.clone() get=norwood set=set_norwood/>
        })}
        {when(move || pattern.get().as_deref() == Some(Pattern::Female.as_str()), move || view! {
            <RadioGroup path="hair_loss.ludwig_stage" legend="Ludwig stage" hint="I is mild thinning, III is extensive." options=ludwig_opts.clone() get=ludwig set=set_ludwig/>
        })}
    }
}
