//! Kiosk mode: a shared tablet forgets each client on its own.

use super::FormCtx;

/// A kiosk tablet forgets everything after this much inactivity, unless the
/// clinic's kiosk link sets `idle=<seconds>` (10 … 3600).
const KIOSK_IDLE_MS: u64 = 3 * 60 * 1000;
/// ...and this long after showing the thank-you page.
const KIOSK_DONE_MS: u64 = 45 * 1000;

/// Kiosk mode: clear everything after inactivity, and soon after "Done".
pub(super) fn kiosk_timer(ctx: FormCtx) {
    #[cfg(feature = "hydrate")]
    {
        use std::time::Duration;

        use leptos::prelude::*;

        use super::Step;
        use crate::browser;

        let handle: StoredValue<Option<leptos::prelude::TimeoutHandle>> = StoredValue::new(None);
        let arm = move || {
            if let Some(h) = handle.get_value() {
                h.clear();
            }
            let done = ctx.draft.with_untracked(|d| d.step == Step::Done);
            let idle = browser::query_param("idle")
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|s| (10..=3600).contains(s))
                .map(|s| s * 1000)
                .unwrap_or(KIOSK_IDLE_MS);
            let ms = if done { KIOSK_DONE_MS.min(idle) } else { idle };
            // An intake still waiting in the outbox stays on screen, so its
            // fate (sent, or refused with a reason) is seen before the next
            // client starts.
            let forget = move || {
                if !ctx.draft.with_untracked(|d| d.queued) {
                    ctx.reset();
                }
            };
            let h = set_timeout_with_handle(forget, Duration::from_millis(ms)).ok();
            handle.set_value(h);
        };
        // Any change to the answers (or reaching Done) restarts the clock.
        Effect::new(move |_| {
            ctx.draft.track();
            arm();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ctx, KIOSK_IDLE_MS, KIOSK_DONE_MS);
}
