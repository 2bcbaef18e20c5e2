// Starts the WASM that makes the server-rendered page interactive, and the
// service worker. A static module (not an inline script) so the
// Content-Security-Policy can stay strict. The build rewrites the paths
// below to the release's hashed file names.
// Staff pages have their own bundle, so the client's stays small.
const STAFF = location.pathname === "/staff" || location.pathname.startsWith("/staff/");
const GLUE = "/pkg/stipple.js"; // @glue
const WASM = "/pkg/stipple_bg.wasm"; // @wasm
const STAFF_GLUE = "/pkg/stipple_staff.js"; // @staff_glue
const STAFF_WASM = "/pkg/stipple_staff_bg.wasm"; // @staff_wasm

// A kiosk starts every client on a freshly loaded page (the app reloads it
// between clients), with nothing an earlier client left in this browser:
// no saved draft or receipt, and no outbox record except an intake still
// waiting to be sent.
const KIOSK = new URLSearchParams(location.search).get("kiosk") === "1";
if (!STAFF && KIOSK) {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith("stipple.")) localStorage.removeItem(k);
  } catch (e) {}
  if (self.stippleOutbox) self.stippleOutbox.forgetSettled().catch(() => {});
}

// A draft holds health answers and a signature on whatever device the
// client used, perhaps a shared one: it is deleted this many days after its
// last change (the intake's first step tells the client).
const DRAFT = "stipple.intake.draft";
const DRAFT_AT = DRAFT + ".at";
const DRAFT_DAYS = 7;
if (!STAFF) {
  try {
    const at = Number(localStorage.getItem(DRAFT_AT));
    if (localStorage.getItem(DRAFT) === null) {
      localStorage.removeItem(DRAFT_AT);
    } else if (!at) {
      localStorage.setItem(DRAFT_AT, String(Date.now()));
    } else if (Date.now() - at > DRAFT_DAYS * 24 * 3600 * 1000) {
      localStorage.removeItem(DRAFT);
      localStorage.removeItem(DRAFT_AT);
    }
    // Any answer typed, chosen or drawn is a change.
    const touch = () => {
      try {
        localStorage.setItem(DRAFT_AT, String(Date.now()));
      } catch (e) {}
    };
    for (const e of ["input", "change", "pointerup"]) {
      document.addEventListener(e, touch, { capture: true, passive: true });
    }
  } catch (e) {}
}

// The server-rendered form can be typed into before the WASM arrives (a slow
// network). Hydration and the restored draft would overwrite those answers,
// so they are noted now and given back to the app, as if typed again, once
// it has loaded.
function typedSoFar() {
  const typed = [];
  for (const el of document.querySelectorAll("input, textarea, select")) {
    if (!el.id || el.type === "hidden") continue;
    if (el.type === "radio") {
      // The choice made; unchecking the others follows from it.
      if (el.checked && !el.defaultChecked) typed.push([el.id, "checked", true]);
    } else if (el.type === "checkbox") {
      if (el.checked !== el.defaultChecked) typed.push([el.id, "checked", el.checked]);
    } else if (el.value !== el.defaultValue) {
      typed.push([el.id, "value", el.value]);
    }
  }
  return typed;
}

function giveBack(typed) {
  for (const [id, prop, value] of typed) {
    const el = document.getElementById(id);
    if (!el || el[prop] === value) continue;
    el[prop] = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

// Where the text cursor is, in fields that have one (not e-mail or date).
function caretOf(el) {
  try {
    if (el && typeof el.selectionStart === "number") return [el.selectionStart, el.selectionEnd];
  } catch (e) {}
  return null;
}

// Resolves once the page has read its saved state (intake: data-loaded).
function settled() {
  return new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      const waiting = document.querySelector('[data-loaded="false"]');
      if (!waiting || performance.now() - started > 3000) resolve();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

import(STAFF ? STAFF_GLUE : GLUE).then(async (mod) => {
  await mod.default({ module_or_path: STAFF ? STAFF_WASM : WASM });
  const typed = typedSoFar();
  // The intake's step is drawn afresh by the app: focus goes back to the
  // field it was in.
  const active = document.activeElement;
  const focused = active && active.id;
  const caret = caretOf(active);
  mod.hydrate();
  await settled();
  giveBack(typed);
  const again = focused && document.getElementById(focused);
  if (again && again !== document.activeElement && document.activeElement === document.body) {
    again.focus();
    if (caret) {
      try {
        again.setSelectionRange(caret[0], caret[1]);
      } catch (e) {}
    }
  }
  document.documentElement.dataset.hydrated = "true";
});

// A new release is installed in the background; the page offers to move to
// it (answers typed so far are kept on the phone and survive the reload).
// A kiosk keeps nothing on the device, so it is not offered there: the new
// release takes over when the kiosk page is next opened.
let movingOn = false;

function offerReload(reg) {
  if (KIOSK || document.getElementById("update-banner")) return;
  const bar = document.createElement("div");
  bar.id = "update-banner";
  bar.className = "update-banner";
  bar.setAttribute("role", "status");
  const text = document.createElement("span");
  text.textContent = "A new version of this page is ready.";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "update-reload";
  button.className = "button primary";
  button.textContent = "Reload";
  button.addEventListener("click", () => {
    movingOn = true;
    button.disabled = true;
    // The newest waiting release (a later one may have replaced the first);
    // if it already took over elsewhere, a reload is all that is left.
    if (reg && reg.waiting) reg.waiting.postMessage({ type: "SKIP_WAITING" });
    else location.reload();
  });
  bar.append(text, button);
  document.body.append(bar);
}

if ("serviceWorker" in navigator) {
  const sw = navigator.serviceWorker;
  let controller = sw.controller;
  sw.addEventListener("controllerchange", () => {
    // The first worker taking control is no reason to reload.
    const replaced = controller !== null;
    controller = sw.controller;
    if (!replaced) return;
    // This page asked for the release: reload now. Another tab asked: this
    // one offers the reload too rather than dropping what is being typed.
    if (movingOn) location.reload();
    else offerReload(null);
  });
  sw.register("/sw.js")
    .then((reg) => {
      const watch = (worker) => {
        if (!worker) return;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && sw.controller) offerReload(reg);
        });
      };
      if (reg.waiting && sw.controller) offerReload(reg);
      watch(reg.installing);
      reg.addEventListener("updatefound", () => watch(reg.installing));
      // A page left open all day still hears of a release.
      setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
    })
    .catch((e) => console.warn("service worker:", e));
}
