// Service worker: keeps the app shell available offline.
// Bump VERSION with every release that changes a shell file; old caches are
// deleted on activation.
const VERSION = "stipple-shell-v2";
const SHELL = [
  "/",
  "/style.css",
  "/hydrate.js",
  "/pkg/stipple.js",
  "/pkg/stipple_bg.wasm",
  "/manifest.webmanifest",
  "/favicon.ico",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  // API calls and other origins go straight to the network.
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (req.mode === "navigate") {
    // Pages: fresh from the network, the cached shell when offline.
    event.respondWith(
      fetch(req)
        .then((res) => {
          // Staff pages are for the clinic's desk, not for offline use.
          if (res.ok && !url.pathname.startsWith("/staff")) {
            const copy = res.clone();
            caches.open(VERSION).then((c) => c.put(req, copy));
          }
          return res;
        })
        .catch(() => caches.match(req).then((hit) => hit || caches.match("/"))),
    );
    return;
  }
  // Static files: cache first.
  event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
});
