// The installable app on the page side: registers the service worker, shows the online/offline state and what
// waits to be sent (header, aria-live), queues the actions that may be taken offline, keeps the offline page in
// the person's language, saves and removes courses "available offline" (course page and the Offline page).
// Strings come translated from the page (data-msg-* attributes): no inline script.
"use strict";
(function () {
  const status = document.getElementById("net-status");
  if (!status) return;
  const root = document.documentElement;
  const lang = root.lang || "en";
  const msg = (element, name, values) => (element.dataset["msg" + name] || "").replace(/\{(\w+)\}/g, (m, k) => String(values && k in values ? values[k] : m));
  const COURSES = "mcc-offline-courses";

  // -- the service worker ---------------------------------------------------------------------------------------
  if ("serviceWorker" in navigator && status.dataset.sw) {
    navigator.serviceWorker.register(status.dataset.sw, {scope: "/"}).catch(() => undefined);
  }

  // The offline page in the person's language (the service worker cached the installer's).
  if ("caches" in window && localStorage.getItem("mcc-offline-lang") !== lang && navigator.onLine) {
    caches.open("mcc-pages").then((cache) => cache.add(status.dataset.offlinePage))
      .then(() => localStorage.setItem("mcc-offline-lang", lang)).catch(() => undefined);
  }

  // What was saved for someone else (or before logging out) does not stay on a shared device. Only a page the
  // server has just answered says who is logged in: the offline page comes from the cache, made for anybody.
  const me = window.MCCQueue.currentUser();
  const owner = localStorage.getItem("mcc-offline-owner");
  const fromServer = navigator.onLine && !document.getElementById("offline-fallback");
  if ("caches" in window && owner && owner !== me && fromServer) {
    caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("mcc-course-") || n === "mcc-pages")
      .map((n) => caches.delete(n)))).catch(() => undefined);
    localStorage.removeItem(COURSES);
    localStorage.removeItem("mcc-offline-lang");
    localStorage.removeItem("mcc-offline-owner");
  }

  const format = {
    size(bytes) {
      const mb = bytes / 1e6;
      return new Intl.NumberFormat(lang, {style: "unit", unit: mb >= 1000 ? "gigabyte" : "megabyte",
                                          maximumFractionDigits: 1}).format(mb >= 1000 ? mb / 1000 : mb);
    },
    time(iso) {
      return new Intl.DateTimeFormat(lang, {dateStyle: "short", timeStyle: "short"}).format(new Date(iso));
    },
  };

  // -- the header: online/offline and what waits ----------------------------------------------------------------
  const state = status.querySelector(".net-state");
  const waitingLink = status.querySelector(".net-waiting");
  // Online is the usual state and takes no room in the header; "Online" is said only when the network comes back.
  let wasOffline = !navigator.onLine;
  function showState() {
    const online = navigator.onLine;
    status.classList.toggle("offline", !online);
    state.textContent = online ? (wasOffline ? status.dataset.msgOnline : "") : status.dataset.msgOffline;
    if (!online) wasOffline = true;
    window.MCCQueue.waiting().then((items) => {
      const mine = items.filter((item) => item.user === me);
      waitingLink.hidden = !mine.length;
      waitingLink.textContent = msg(status, "Waiting", {count: mine.length});
    });
  }
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  window.addEventListener("mcc-queue-change", showState);
  showState();

  // -- actions that may be taken offline ------------------------------------------------------------------------
  // [path of the form's action, kind, where the queued action is sent]. The check-in is sent to its replay
  // address with the moment the code was typed: the server checks the code against that moment's window.
  const QUEUEABLE = [
    [/^\/learning\/lessons\/\d+\/done$/, "LessonDone", (url) => url],
    [/^\/placements\/\d+\/logbook$/, "Logbook", (url) => url],
    [/^\/meetings\/\d+\/checkin$/, "Checkin", (url) => url + "/replay"],
    [/^\/learning\/attempts\/\d+$/, "Quiz", (url) => url],
  ];
  const notice = status.querySelector(".net-notice");
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (navigator.onLine || !(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    const action = new URL(form.action, location.href);
    const match = QUEUEABLE.find(([pattern]) => action.origin === location.origin && pattern.test(action.pathname));
    if (!match || !me) return;
    event.preventDefault();
    const data = new FormData(form, event.submitter || undefined);
    if (match[1] === "Checkin") data.set("typed_at", new Date().toISOString());
    const heading = document.querySelector("h1");
    const label = msg(status, match[1], {}) + (heading ? " – " + heading.textContent.trim() : "");
    window.MCCQueue.add({url: match[2](action.pathname), body: new URLSearchParams(data).toString(),
                         contentType: "application/x-www-form-urlencoded", label: label}).then(() => {
      notice.textContent = msg(status, "Queued", {});
      notice.hidden = false;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });

  // A QR code scanned offline: the phone's camera opened the code's address and the service worker answered with
  // the offline page (the address stays). The check-in is queued once, for whoever was last logged in here; the
  // server decides by the window it signed into the code, not by this phone's clock.
  if (fromServer) {
    if (me) localStorage.setItem("mcc-last-user", me);
    else localStorage.removeItem("mcc-last-user");
  }
  const scanned = /^\/checkin\/\d+\/[^/]+$/.test(location.pathname) && document.getElementById("offline-fallback");
  const lastUser = me || localStorage.getItem("mcc-last-user") || "";
  if (scanned && lastUser) {
    const url = location.pathname + "/replay";
    window.MCCQueue.waiting().then((items) => {
      if (items.some((item) => item.url === url && item.user === lastUser)) return undefined;  // opened twice
      return window.MCCQueue.add({url: url, body: "csrf_token=", contentType: "application/x-www-form-urlencoded",
                                  label: msg(status, "Checkin", {}), user: lastUser});
    }).then(() => {
      notice.textContent = msg(status, "Queued", {});
      notice.hidden = false;
    }).catch(() => undefined);
  }

  // Back online (and on every page): send what waits, then say how each one ended.
  function announce(sent) {
    if (!sent) return;
    const latest = window.MCCQueue.results().slice(0, sent);
    notice.textContent = latest.map((r) => (r.ok ? msg(status, "Sent", {label: r.label}) :
      msg(status, "Refused", {label: r.label})) + (r.message ? " " + r.message : "")).join(" · ");
    notice.hidden = false;
  }
  window.addEventListener("online", () => { window.MCCQueue.replay().then(announce); });
  if (navigator.onLine) window.MCCQueue.replay().then(announce);

  // -- courses available offline ---------------------------------------------------------------------------------
  function savedCourses() {
    try { return JSON.parse(localStorage.getItem(COURSES) || "{}"); } catch (e) { return {}; }
  }
  function storeCourses(list) {
    localStorage.setItem(COURSES, JSON.stringify(list));
    if (Object.keys(list).length) localStorage.setItem("mcc-offline-owner", me);
  }

  async function saveCourse(box, say) {
    const bundle = await fetch(box.dataset.bundle, {credentials: "same-origin", cache: "no-store"}).then((r) => {
      if (!r.ok) throw new Error(msg(box, "Failed"));
      return r.json();
    });
    if (navigator.storage && navigator.storage.estimate) {
      const {usage = 0, quota = 0} = await navigator.storage.estimate();
      if (quota && usage + bundle.size > quota * 0.9) {  // keep a tenth free: the browser evicts a full origin
        throw new Error(msg(box, "Quota", {size: format.size(bundle.size), free: format.size(Math.max(0, quota * 0.9 - usage))}));
      }
    }
    const cache = await caches.open("mcc-course-" + bundle.course);
    let total = 0, done = 0;
    for (const file of bundle.files) {
      say(msg(box, "Progress", {done: done, total: bundle.files.length}));
      let response = await fetch(file.url, {credentials: "same-origin"});
      if (!response.ok) throw new Error(msg(box, "Failed"));
      const blob = await response.blob();
      total += blob.size;
      // A file served from S3 arrives by redirect: keep it under the app's own URL, as the pages ask for it.
      response = new Response(blob, {headers: {"Content-Type": response.headers.get("Content-Type") || "application/octet-stream"}});
      await cache.put(file.url, response);
      done += 1;
    }
    const list = savedCourses();
    list[bundle.course] = {title: bundle.title, size: total, savedAt: new Date().toISOString(), url: bundle.files[0].url};
    storeCourses(list);
    return list[bundle.course];
  }

  async function removeCourse(id) {
    await caches.delete("mcc-course-" + id);
    const list = savedCourses();
    delete list[id];
    storeCourses(list);
  }

  window.MCC.whenPresent("offline-course", (box) => {
    const button = box.querySelector("button");
    const text = box.querySelector(".offline-course-state");
    const id = box.dataset.course;
    function show() {
      const entry = savedCourses()[id];
      button.textContent = entry ? box.dataset.msgRemove : box.dataset.msgSave;
      button.setAttribute("aria-pressed", String(Boolean(entry)));
      text.textContent = entry ? msg(box, "Saved", {size: format.size(entry.size), when: format.time(entry.savedAt)}) : "";
    }
    box.hidden = !("caches" in window && "serviceWorker" in navigator);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        if (savedCourses()[id]) await removeCourse(id);
        else await saveCourse(box, (s) => { text.textContent = s; });
        show();
      } catch (error) {
        await caches.delete("mcc-course-" + id).catch(() => undefined);
        text.textContent = error.message || msg(box, "Failed");
      } finally {
        button.disabled = false;
      }
    });
    show();
  });

  // -- the Offline page ----------------------------------------------------------------------------------------
  window.MCC.whenPresent("offline-saved", (box) => {
    const list = box.querySelector(".saved-courses");
    const none = box.querySelector(".saved-none");
    const quota = box.querySelector(".saved-quota");
    const waitingList = box.querySelector(".waiting-actions");
    const resultsList = box.querySelector(".replay-results");
    function item(text, extra) {
      const li = document.createElement("li");
      li.textContent = text;
      if (extra) li.append(" ", extra);
      return li;
    }
    function render() {
      const courses = savedCourses();
      list.replaceChildren(...Object.entries(courses).map(([id, entry]) => {
        const link = document.createElement("a");
        link.href = entry.url;
        link.textContent = entry.title;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button";
        remove.textContent = box.dataset.msgRemove;
        remove.setAttribute("aria-label", box.dataset.msgRemove + ": " + entry.title);
        remove.addEventListener("click", () => removeCourse(id).then(render));
        const li = document.createElement("li");
        li.append(link, " · " + format.size(entry.size) + " · " + format.time(entry.savedAt) + " ", remove);
        return li;
      }));
      none.hidden = Object.keys(courses).length > 0;
      if (navigator.storage && navigator.storage.estimate) {
        navigator.storage.estimate().then(({usage = 0, quota: total = 0}) => {
          quota.textContent = msg(box, "Quota", {used: format.size(usage), quota: format.size(total)});
        });
      }
      window.MCCQueue.waiting().then((items) => {
        const mine = items.filter((entry) => entry.user === me);
        waitingList.replaceChildren(...mine.map((entry) => item(entry.label + " · " + format.time(entry.createdAt))));
        if (!mine.length) waitingList.replaceChildren(item(box.dataset.msgNothingWaiting));
      });
      const results = window.MCCQueue.results();
      resultsList.replaceChildren(...results.map((r) => item((r.ok ? msg(status, "Sent", {label: r.label}) :
        msg(status, "Refused", {label: r.label})) + (r.message ? " " + r.message : "") + " · " + format.time(r.at))));
      if (!results.length) resultsList.replaceChildren(item(box.dataset.msgNoResults));
    }
    box.querySelector(".send-now").addEventListener("click", () => window.MCCQueue.replay().then(render));
    window.addEventListener("mcc-queue-change", render);
    render();
  });
})();
