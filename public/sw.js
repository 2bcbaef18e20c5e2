// Service worker: keeps the intake working offline and sends what was
// submitted offline (see outbox.js).
//
// The build writes RELEASE (a hash of every asset) and ASSETS (their hashed
// URLs) below, so each release gets its own cache. A new release waits
// until the page's "Reload" button asks it to take over; on activation every
// older cache is deleted.
const RELEASE = "dev"; // @release
const ASSETS = []; // @assets
const OUTBOX = "/outbox.js"; // @outbox
importScripts(OUTBOX);

const CACHE = "stipple-" + RELEASE;
// Pages and data the intake needs with no network.
const PAGES = ["/", "/intake"];
const TEMPLATE = "/api/v1/consent-template";
const STABLE = [
  "/manifest.webmanifest",
  "/favicon.ico",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll([
        // Pages and the template fresh from the server, not the HTTP cache.
        ...[...PAGES, TEMPLATE, ...STABLE].map((u) => new Request(u, { cache: "reload" })),
        ...ASSETS,
      ]),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("stipple-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

// Background Sync: send the outbox; if anything is still waiting, fail so
// the browser tries again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== self.stippleOutbox.TAG) return;
  event.waitUntil(
    self.stippleOutbox.flush().then((left) => {
      if (left > 0) throw new Error(left + " submission(s) still waiting for the network");
    }),
  );
});

// Network first, keeping the cached copy current; the cached copy offline.
function networkFirst(request, key, store = true) {
  return fetch(request)
    .then((res) => {
      if (res.ok && store) {
        const copy = res.clone();
        caches.open(CACHE).then((c) => c.put(key, copy));
      }
      return res;
    })
    .catch(() => caches.open(CACHE).then((c) => c.match(key)).then((hit) => hit || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  const path = url.pathname;

  if (path === TEMPLATE) {
    event.respondWith(networkFirst(req, TEMPLATE));
    return;
  }
  // Other API calls, and the staff pages (the clinic's desk, not for
  // offline use), always go to the network.
  if (path.startsWith("/api/") || path === "/staff" || path.startsWith("/staff/")) return;

  if (req.mode === "navigate") {
    // An invitation link offline opens the intake; the link is checked when
    // the intake is sent.
    const page = path === "/" ? "/" : path === "/intake" || path.startsWith("/intake/") ? "/intake" : null;
    if (page === null) return;
    event.respondWith(networkFirst(req, page, path === page));
    return;
  }
  if (path.startsWith("/assets/")) {
    // Hashed names never change content: the cache is always right.
    event.respondWith(
      caches.open(CACHE).then((c) =>
        c.match(req).then(
          (hit) =>
            hit ||
            fetch(req).then((res) => {
              if (res.ok) c.put(req, res.clone());
              return res;
            }),
        ),
      ),
    );
    return;
  }
  if (STABLE.includes(path)) event.respondWith(networkFirst(req, path));
});
