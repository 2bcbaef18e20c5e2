//! Step 10: a signature drawn with finger or mouse (pointer events), plus
//! the typed full name. Keeps the PNG and every point with its timing.

use leptos::{html, prelude::*};

use super::{
    fields::{FieldError, TextField},
    FormCtx,
};
use crate::{bind, domain::questions as q};

/// The canvas's own pixel size; CSS scales it to the screen width. Written
/// out for the markup too: formatting a float would pull the float printer
/// into the bundle for two constants.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PAD_W: f64 = 600.0;
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PAD_H: f64 = 200.0;
const PAD_W_ATTR: &str = "600";
const PAD_H_ATTR: &str = "200";

#[component]
pub fn SignatureStep() -> impl IntoView {
    let ctx = expect_context::<FormCtx>();
    let (typed, set_typed) = bind!(text, ctx, typed_name);
    let canvas = NodeRef::<html::Canvas>::new();
    // Drawing state that does not belong in the draft.
    let drawing = StoredValue::new(false);
    let started_at = StoredValue::new(None::<f64>);

    let invalid = move || {
        ctx.shown.with(|e| {
            e.get("signature.strokes").is_some() || e.get("signature.png_base64").is_some()
        })
    };

    #[cfg(feature = "hydrate")]
    {
        // Draw what was saved (after a reload or Back/Next).
        Effect::new(move |_| {
            if canvas.get().is_some() {
                pad::redraw(canvas, &ctx.draft.with_untracked(|d| d.strokes.clone()));
            }
        });
    }

    let point = move |ev: &leptos::ev::PointerEvent| -> Option<[f64; 3]> {
        #[cfg(feature = "hydrate")]
        {
            let el = canvas.get()?;
            let rect = el.get_bounding_client_rect();
            let x = (f64::from(ev.client_x()) - rect.left()) * PAD_W / rect.width().max(1.0);
            let y = (f64::from(ev.client_y()) - rect.top()) * PAD_H / rect.height().max(1.0);
            let now = js_sys::Date::now();
            let t0 = started_at.get_value().unwrap_or(now);
            started_at.set_value(Some(t0));
            Some([
                x.clamp(0.0, PAD_W).round(),
                y.clamp(0.0, PAD_H).round(),
                (now - t0).round(),
            ])
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (ev, started_at);
            None
        }
    };

    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        if let Some(el) = canvas.get() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        if let Some(p) = point(&ev) {
            drawing.set_value(true);
            ctx.draft.update(|d| d.strokes.push(vec![p]));
        }
    };
    let move_ = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        ev.prevent_default();
        if let Some(p) = point(&ev) {
            let last = ctx
                .draft
                .with_untracked(|d| d.strokes.last().and_then(|s| s.last().copied()));
            ctx.draft.update(|d| {
                if let Some(s) = d.strokes.last_mut() {
                    s.push(p);
                }
            });
            #[cfg(feature = "hydrate")]
            if let Some(l) = last {
                pad::line(canvas, l, p);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = last;
        }
    };
    let up = move |_ev: leptos::ev::PointerEvent| {
        if drawing.get_value() {
            drawing.set_value(false);
            finish(ctx, canvas);
        }
    };
    let undo = move |_| {
        ctx.draft.update(|d| {
            d.strokes.pop();
        });
        finish(ctx, canvas);
    };
    let clear = move |_| {
        ctx.draft.update(|d| d.strokes.clear());
        started_at.set_value(None);
        finish(ctx, canvas);
    };
    let name = move || ctx.draft.with(|d| d.full_name.clone());
    view! {
        <p>"Sign in the box with your finger (or mouse), then type your full name."</p>
        <div class="field">
            <label for="f-signature-strokes" id="pad-label">"Your signature"</label>
            <canvas
                node_ref=canvas
                id="f-signature-strokes"
                class="signature-pad"
                width=PAD_W_ATTR
                height=PAD_H_ATTR
                tabindex="0"
                role="img"
                aria-labelledby="pad-label"
                aria-describedby="f-signature-strokes-error f-signature-png_base64-error"
                aria-invalid=move || invalid().to_string()
                on:pointerdown=down
                on:pointermove=move_
                on:pointerup=up
                on:pointercancel=up
            ></canvas>
            <div class="row-actions">
                <button type="button" class="button" id="sig-undo" on:click=undo>"Undo"</button>
                <button type="button" class="button" id="sig-clear" on:click=clear>"Clear"</button>
            </div>
            <FieldError path="signature.strokes"/>
            <FieldError path="signature.png_base64"/>
        </div>
        <TextField path=q::TYPED_NAME.path label=q::TYPED_NAME.label hint=format!("Exactly as in \u{201c}About you\u{201d}: {}", name()) required=true autocomplete="name" maxlength=120 get=typed set=set_typed/>
    }
}

/// After a stroke, undo or clear: redraw and keep the PNG in the draft.
fn finish(ctx: FormCtx, canvas: NodeRef<html::Canvas>) {
    #[cfg(feature = "hydrate")]
    {
        let strokes = ctx.draft.with_untracked(|d| d.strokes.clone());
        pad::redraw(canvas, &strokes);
        let png = if strokes.is_empty() {
            String::new()
        } else {
            pad::png_base64(canvas)
        };
        ctx.draft.update(|d| d.png_base64 = png);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = canvas;
    ctx.revalidate_if_shown("signature.strokes");
    ctx.revalidate_if_shown("signature.png_base64");
}

#[cfg(feature = "hydrate")]
mod pad {
    use leptos::{html, prelude::*};
    use wasm_bindgen::JsCast;

    fn context(canvas: NodeRef<html::Canvas>) -> Option<web_sys::CanvasRenderingContext2d> {
        let ctx = canvas.get()?.get_context("2d").ok()??;
        let ctx: web_sys::CanvasRenderingContext2d = ctx.dyn_into().ok()?;
        ctx.set_line_width(3.0);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        ctx.set_stroke_style_str("#111111");
        Some(ctx)
    }

    pub fn line(canvas: NodeRef<html::Canvas>, a: [f64; 3], b: [f64; 3]) {
        if let Some(c) = context(canvas) {
            c.begin_path();
            c.move_to(a[0], a[1]);
            c.line_to(b[0], b[1]);
            c.stroke();
        }
    }

    pub fn redraw(canvas: NodeRef<html::Canvas>, strokes: &[Vec<[f64; 3]>]) {
        let Some(c) = context(canvas) else { return };
        c.clear_rect(0.0, 0.0, super::PAD_W, super::PAD_H);
        for s in strokes {
            let Some(first) = s.first() else { continue };
            c.begin_path();
            c.move_to(first[0], first[1]);
            for p in &s[1..] {
                c.line_to(p[0], p[1]);
            }
            if s.len() == 1 {
                c.line_to(first[0] + 0.1, first[1]);
            }
            c.stroke();
        }
    }

    pub fn png_base64(canvas: NodeRef<html::Canvas>) -> String {
        canvas
            .get()
            .and_then(|el| el.to_data_url_with_type("image/png").ok())
            .and_then(|url| {
                url.strip_prefix("data:image/png;base64,")
                    .map(str::to_string)
            })
            .unwrap_or_default()
    }
}
