// Starts the WASM that makes the server-rendered page interactive. A static
// module (not an inline script) so the Content-Security-Policy can stay strict.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker:", e));
}
import("/pkg/stipple.js").then(async (mod) => {
  await mod.default({ module_or_path: "/pkg/stipple_bg.wasm" });
  mod.hydrate();
  document.documentElement.dataset.hydrated = "true";
});
