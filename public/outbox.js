// The outbox: intakes sent while offline wait here, in IndexedDB, until the
// clinic answers. A classic script shared by the page and the service worker
// (importScripts), so a submission goes out whichever of them runs first:
// Background Sync in the worker where the browser has it, otherwise the
// page's `online` event and the next time the intake is opened.
//
// The submission's own client-generated id is the key and the server treats
// an identical resend as a replay, so sending twice stores it once.
(function (scope) {
  "use strict";
  const DB = "stipple-outbox";
  const STORE = "outbox";
  const TAG = "stipple-outbox";
  const ENDPOINT = "/api/v1/submissions";
  const KEEP_MS = 24 * 3600 * 1000;
  // Without Background Sync (Safari, Firefox) and with no `online` event
  // (the phone never lost its signal, the server was briefly down), the
  // page retries on its own while it is open.
  const RETRY_MS = 60 * 1000;

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  // Runs `work(store)` in one transaction and resolves with its result once
  // the transaction has committed.
  async function tx(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const t = db.transaction(STORE, mode);
        let result;
        Promise.resolve(work(t.objectStore(STORE))).then((r) => (result = r), reject);
        t.oncomplete = () => resolve(result);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      });
    } finally {
      db.close();
    }
  }

  const request = (r) =>
    new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });

  function announce() {
    if (typeof window !== "undefined") {
      window.dispatchEvent(new Event(TAG));
    } else if (scope.clients) {
      scope.clients
        .matchAll({ includeUncontrolled: true, type: "window" })
        .then((all) => all.forEach((c) => c.postMessage({ type: TAG })));
    }
  }

  // Keeps a submission (its JSON text) until the clinic has it.
  async function put(id, body) {
    await tx("readwrite", (s) =>
      request(s.put({ id, body, state: "queued", queuedAt: Date.now() })),
    );
    announce();
    // Ask for a Background Sync; where there is none, `online` does it.
    if (typeof navigator !== "undefined" && navigator.serviceWorker) {
      navigator.serviceWorker.ready
        .then((reg) => reg.sync && reg.sync.register(TAG))
        .catch(() => {});
    }
  }

  const get = (id) => tx("readonly", (s) => request(s.get(id)));
  const all = () => tx("readonly", (s) => request(s.getAll()));
  const remove = (id) => tx("readwrite", (s) => request(s.delete(id)));

  // The invite link an intake came from, sent as a header too: the clinic
  // lets invited clients past the limit on their address.
  function inviteOf(body) {
    try {
      const token = JSON.parse(body).appointment.invite_token;
      return typeof token === "string" ? token : null;
    } catch (e) {
      return null;
    }
  }

  // Seconds in a Retry-After header (a number or an HTTP date); 60 if absent.
  function retryAfter(res) {
    const v = res.headers.get("Retry-After");
    if (!v) return 60;
    const secs = Number(v);
    if (Number.isFinite(secs)) return Math.max(1, secs);
    const at = Date.parse(v);
    return Number.isFinite(at) ? Math.max(1, (at - Date.now()) / 1000) : 60;
  }

  // Sends one queued item. 2xx: sent (only the receipt is kept); 4xx other
  // than 408/429: refused, with the reason, for the client to correct;
  // 429 and 503: the clinic asks to wait, so the item is not tried again
  // before its Retry-After; anything else (offline, 5xx): left queued for
  // the next try.
  async function sendOne(item) {
    if (item.notBefore && item.notBefore > Date.now()) return false;
    let res;
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const invite = inviteOf(item.body);
    if (invite) headers["Stipple-Invite"] = invite;
    try {
      res = await fetch(ENDPOINT, {
        method: "POST",
        headers,
        body: item.body,
        credentials: "same-origin",
      });
    } catch (e) {
      return false;
    }
    if (res.status === 429 || res.status === 503) {
      const notBefore = Date.now() + retryAfter(res) * 1000;
      await tx("readwrite", (s) => request(s.put({ ...item, notBefore })));
      later(notBefore);
      // From the worker: open pages hear of the wait and set their timer.
      if (typeof window === "undefined") announce();
      return false;
    }
    const text = await res.text().catch(() => null);
    if (res.ok) {
      // Sent only when the clinic's receipt for this very intake came back
      // whole (not a cut-off answer or a proxy's page): until then the
      // answers stay queued, and a resend is a harmless replay.
      let receipt = null;
      try {
        receipt = JSON.parse(text);
      } catch (e) {}
      if (!receipt || String(receipt.id).toLowerCase() !== String(item.id).toLowerCase()) return false;
      await tx("readwrite", (s) =>
        request(s.put({ id: item.id, state: "sent", receipt: text, sentAt: Date.now() })),
      );
      return true;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      // The answers themselves are not kept: the page's draft holds them
      // for correcting, and a refused intake leaves nothing else behind.
      await tx("readwrite", (s) =>
        request(s.put({ id: item.id, state: "refused", status: res.status, answer: text, refusedAt: Date.now() })),
      );
      return true;
    }
    return false;
  }

  // A page that is open tries again as soon as a wait the clinic asked for
  // is over (the worker has Background Sync and the minute's round).
  let wake = null;
  function later(at) {
    if (typeof window === "undefined") return;
    clearTimeout(wake);
    wake = setTimeout(() => flush().catch(() => {}), Math.max(0, at - Date.now()) + 250);
  }

  let flushing = null;
  // Sends everything queued, one at a time. Resolves with the number still
  // waiting. Calls made while a flush runs share it.
  function flush() {
    if (flushing) return flushing;
    const run = async () => {
      const items = await all();
      // Outcomes no page came back to read (a kiosk moved on, the phone
      // was put away) are not kept beyond a day.
      for (const i of items) {
        const at = i.sentAt || i.refusedAt || i.queuedAt || 0;
        if (i.state !== "queued" && Date.now() - at > KEEP_MS) await remove(i.id);
      }
      const queued = items.filter((i) => i.state === "queued");
      let left = 0;
      let changed = false;
      for (const item of queued) {
        if (await sendOne(item)) changed = true;
        else left += 1;
      }
      // Whoever sent last (page or worker), an open page wakes up when the
      // earliest wait the clinic asked for is over.
      const waits = (await all()).filter((i) => i.state === "queued" && i.notBefore);
      if (waits.length) later(Math.min(...waits.map((i) => i.notBefore)));
      if (changed) announce();
      return left;
    };
    // One flush at a time across the page and the worker where the browser
    // can lock; the server's replay rule covers the rest.
    const locked =
      typeof navigator !== "undefined" && navigator.locks
        ? navigator.locks.request(TAG, run)
        : run();
    flushing = locked.finally(() => {
      flushing = null;
    });
    return flushing;
  }

  // Everything but what still waits to be sent (a kiosk between clients).
  const forgetSettled = () =>
    tx("readwrite", async (s) => {
      for (const i of await request(s.getAll())) if (i.state !== "queued") s.delete(i.id);
    });

  scope.stippleOutbox = { put, get, remove, flush, forgetSettled, TAG };

  if (typeof window !== "undefined") {
    // The worker tells the page when it sent something.
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", (e) => {
        if (e.data && e.data.type === TAG) window.dispatchEvent(new Event(TAG));
      });
    }
    // `online` often comes before the connection carries traffic (a phone
    // waking its radio): a failed try is repeated after 2, 5, 10 and 20 s
    // rather than waiting for the minute's round. One such series at a
    // time: a flickering signal restarts it, going offline ends it.
    let retry = null;
    const stop = () => {
      clearTimeout(retry);
      retry = null;
    };
    const soon = (delays) =>
      flush()
        .then((left) => {
          if (left > 0 && delays.length && navigator.onLine !== false) {
            retry = setTimeout(() => soon(delays.slice(1)), delays[0]);
          }
        })
        .catch(() => {});
    window.addEventListener("online", () => {
      stop();
      soon([2000, 5000, 10000, 20000]);
    });
    window.addEventListener("offline", stop);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && navigator.onLine !== false) flush().catch(() => {});
    });
    setInterval(() => {
      if (navigator.onLine !== false) flush().catch(() => {});
    }, RETRY_MS);
    // On every open: anything left from an earlier visit goes now.
    if (navigator.onLine !== false) flush().catch(() => {});
  }
})(self);
