//! Steps 1–2: about the client, and their hair loss.

use leptos::prelude::*;

use super::{
    draft::Pattern,
    fields::{vocab_options, CheckboxGroup, RadioGroup, TextField},
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
        <RadioGroup path="client.preferred_contact" legend="How should the clinic contact you?" options=vocab_options(PreferredContact::ALL, PreferredContact::label) get=contact set=set_contact/>
        <TextField path="appointment.preferred_date" label="Preferred appointment date" kind="date" get=date set=set_date/>
    }
}

#[component]
pub fn HairLoss() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (causes, set_causes) = bind!(list, ctx, causes);
    let (other, set_other) = bind!(text, ctx, cause_other);
    let (years, set_years) = bind!(text, ctx, years);
    let (progressing, set_progressing) = bind!(choice, ctx, progressing);
    let (areas, set_areas) = bind!(list, ctx, areas);
    let (pattern, set_pattern) = bind!(choice, ctx, pattern);
    let (norwood, set_norwood) = bind!(text, ctx, norwood_stage);
    let (ludwig, set_ludwig) = bind!(text, ctx, ludwig_stage);
    let norwood_opts: Vec<(u8, String)> = (1..=7).map(|n| (n, format!("Stage {n}"))).collect();
    let ludwig_opts: Vec<(u8, String)> = [(1, "Stage I"), (2, "Stage II"), (3, "Stage III")]
        .into_iter()
        .map(|(n, l)| (n, l.to_string()))
        .collect();
    let norwood_get = Signal::derive(move || norwood.get().parse::<u8>().ok());
    let ludwig_get = Signal::derive(move || ludwig.get().parse::<u8>().ok());
    view! {
        <CheckboxGroup path="hair_loss.causes" legend="What caused your hair loss?" hint="Pick all that apply." options=vocab_options(HairLossCause::ALL, HairLossCause::label) get=causes set=set_causes/>
        <Show when=move || causes.with(|c| c.contains(&HairLossCause::Other))>
            <TextField path="hair_loss.cause_other" label="What is the other cause?" required=true maxlength=500 get=other set=set_other/>
        </Show>
        <TextField path="hair_loss.years" label="For how many years?" kind="text" inputmode="numeric" required=true maxlength=2 get=years set=set_years/>
        <RadioGroup path="hair_loss.progressing" legend="Is it still getting worse?" options=vec![(true, "Yes".to_string()), (false, "No".to_string())] get=progressing set=set_progressing/>
        <CheckboxGroup path="hair_loss.areas" legend="Which areas are affected?" options=vocab_options(HairLossArea::ALL, HairLossArea::label) get=areas set=set_areas/>
        <RadioGroup
            path="hair_loss.pattern"
            legend="Which pattern describes it best?"
            options=vec![
                (Pattern::Male, "Male pattern (receding hairline, crown)".to_string()),
                (Pattern::Female, "Female pattern (thinning on top)".to_string()),
                (Pattern::Unsure, "Not sure".to_string()),
            ]
            get=pattern
            set=set_pattern
        />
        <Show when=move || pattern.get() == Some(Pattern::Male)>
            <RadioGroup path="hair_loss.norwood_stage" legend="Norwood stage" hint="1 is a full hairline, 7 is the most advanced." options=norwood_opts.clone() get=norwood_get set=Callback::new(move |n: u8| set_norwood.run(n.to_string()))/>
        </Show>
        <Show when=move || pattern.get() == Some(Pattern::Female)>
            <RadioGroup path="hair_loss.ludwig_stage" legend="Ludwig stage" hint="I is mild thinning, III is extensive." options=ludwig_opts.clone() get=ludwig_get set=Callback::new(move |n: u8| set_ludwig.run(n.to_string()))/>
        </Show>
    }
}
