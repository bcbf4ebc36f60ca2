// The offline queue: actions taken without a network (lesson done, a logbook day, a typed check-in code, video
// beacons) are kept in IndexedDB with a key made on the device, and sent again when the network is back — on the
// "online" event, on every page load and when the person asks. The server decides: each replay goes through the
// same checks as a live request, and the Idempotency-Key header makes a second replay of the same action count
// nothing. Each replay's answer (accepted, or refused with the server's own message) is shown to the person.
"use strict";
window.MCCQueue = (function () {
  const DB_NAME = "mcc-offline", STORE = "actions", RESULTS = "mcc-offline-results", MAX_RESULTS = 20;
  let replaying = null;

  /** Who is logged in on this page (the header says; "" for nobody): each keeps their own queue. */
  function currentUser() {
    const status = document.getElementById("net-status");
    return (status && status.dataset.user) || "";
  }

  function database() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: "key"});
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function transaction(mode, work) {
    return database().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    }));
  }

  function changed() {
    window.dispatchEvent(new CustomEvent("mcc-queue-change"));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  /** Keep an action to send later: {url, body, contentType, label}. Answers its key. */
  function add(action) {
    const item = Object.assign({key: newKey(), createdAt: new Date().toISOString(),
                                user: currentUser()}, action);
    return transaction("readwrite", (store) => store.put(item)).then(() => { changed(); return item.key; });
  }

  /** The actions waiting to be sent, oldest first. */
  function waiting() {
    return transaction("readonly", (store) => store.getAll())
      .then((items) => (items || []).sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
      .catch(() => []);
  }

  function remove(key) {
    return transaction("readwrite", (store) => store.delete(key)).then(changed);
  }

  function results() {
    try { return JSON.parse(localStorage.getItem(RESULTS) || "[]"); } catch (e) { return []; }
  }

  function remember(item, ok, message) {
    const list = [{label: item.label, ok: ok, message: message, at: new Date().toISOString()}].concat(results());
    localStorage.setItem(RESULTS, JSON.stringify(list.slice(0, MAX_RESULTS)));
  }

  /** What the server said, in its own words: a JSON message, or the page's flash or form error. */
  function messageOf(response) {
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) return response.json().then((data) => ({ok: data.ok !== false, message: data.message || data.error || ""}));
    return response.text().then((html) => {
      const page = new DOMParser().parseFromString(html, "text/html");
      const pick = (selector) => Array.from(page.querySelectorAll(selector)).map((e) => e.textContent.trim()).filter(Boolean);
      const errors = pick(".flash-error, p.error, [role=alert]");
      const good = pick(".flash-success, .flash");
      return {ok: response.ok, message: (response.ok ? good : errors.concat(good))[0] || ""};
    });
  }

  function freshToken() {
    return fetch("/offline/token", {credentials: "same-origin", cache: "no-store"}).then((r) => r.json()).then((d) => d.csrf);
  }

  /** The request for one action, with a CSRF token made now (the page's may have expired while offline). */
  function request(item, token) {
    const headers = {"Idempotency-Key": item.key, "Content-Type": item.contentType};
    let body = item.body;
    if (item.contentType.startsWith("application/x-www-form-urlencoded")) {
      const params = new URLSearchParams(body);
      for (const name of Array.from(params.keys())) if (name.endsWith("csrf_token")) params.set(name, token);
      body = params.toString();
    } else {
      headers["X-CSRFToken"] = token;
      headers["Accept"] = "application/json";
    }
    return fetch(item.url, {method: "POST", credentials: "same-origin", headers: headers, body: body, redirect: "follow"});
  }

  /** Send what waits, one by one, oldest first; stops at the first network failure (still offline). */
  function replay() {
    if (replaying) return replaying;
    replaying = (async () => {
      const me = currentUser();
      const items = (await waiting()).filter((item) => item.user === me);
      if (!items.length || !navigator.onLine || !me) return 0;
      let sent = 0, token;
      try { token = await freshToken(); } catch (e) { return 0; }
      for (const item of items) {
        let response;
        try { response = await request(item, token); } catch (e) { break; }  // the network went again
        if (response.redirected && new URL(response.url).pathname.startsWith("/login")) break;  // log in first
        if (response.status === 429 || response.status >= 500) break;  // try again later
        const answer = await messageOf(response).catch(() => ({ok: response.ok, message: ""}));
        remember(item, answer.ok, answer.message);
        await remove(item.key);
        sent += 1;
      }
      changed();
      return sent;
    })().finally(() => { replaying = null; });
    return replaying;
  }

  window.addEventListener("online", () => { replay(); });
  return Object.freeze({add, waiting, remove, results, replay, currentUser});
})();
