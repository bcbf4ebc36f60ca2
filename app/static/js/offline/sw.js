// MCC's service worker (served at /sw.js after a line `self.MCC_SW = {...}` the app writes: the app shell to
// precache with revisions, the offline page's URL and where the vendored Workbox lives — no CDN).
//
// - The app shell (CSS, the shared scripts, fonts, icons) is precached and served from the cache.
// - Pages are network first: a page that answers is also kept (cache "mcc-pages"); offline, a page comes from
//   any cache (visited pages, or a course the trainee saved: "mcc-course-<id>"), else the offline page.
// - Material files, video renditions and captions go to the network while it answers; offline they come from the
//   saved courses (a video's Range requests answered from the whole cached file).
// - Other static files: from the cache at once, refreshed in the background.
// Actions taken offline are queued by the pages (js/offline/queue.js), not here: replay never depends on the
// Background Sync API, which not every browser has.
/* global workbox */
"use strict";
importScripts(self.MCC_SW.workbox);
workbox.setConfig({modulePathPrefix: self.MCC_SW.workboxPrefix, debug: false});
// Every module is loaded now: a service worker may import scripts only while it first runs.
const {core, precaching, routing, strategies, rangeRequests} = workbox;
const PAGES = "mcc-pages";
const OFFLINE_PAGE = self.MCC_SW.offlinePage;

self.skipWaiting();
core.clientsClaim();
precaching.cleanupOutdatedCaches();
precaching.precacheAndRoute(self.MCC_SW.precache);

self.addEventListener("install", (event) => {
  // The offline page in the language of whoever installed the app (the pages refresh it on a language change).
  event.waitUntil(caches.open(PAGES).then((cache) => cache.add(OFFLINE_PAGE)).catch(() => undefined));
});

/** The first cached answer for this URL, in any cache (a Range or Vary header does not matter). */
function fromAnyCache(request) {
  return caches.match(request.url, {ignoreVary: true});
}

/** A page that answered normally is worth keeping for offline reading; a redirect, an error or a login page not. */
const keepGoodPages = {
  cacheWillUpdate: async ({response}) =>
    response && response.status === 200 && !response.redirected && response.type === "basic" ? response : null,
  handlerDidError: async ({request}) => (await fromAnyCache(request)) || (await caches.match(OFFLINE_PAGE)),
};

// Files of materials: always from the network when it answers (the server checks access each time); offline from
// a saved course.
const MATERIAL_FILE = /^\/materials\/\d+\/(file|media\/[^/]+|captions\/[^/]+)$/;
routing.registerRoute(({url}) => url.origin === self.location.origin && MATERIAL_FILE.test(url.pathname),
  async ({request}) => {
    try {
      return await fetch(request);
    } catch (error) {
      const cached = await fromAnyCache(request);
      if (!cached) throw error;
      return request.headers.has("range") ? rangeRequests.createPartialResponse(request, cached) : cached;
    }
  });

// Registered after the files: a PDF opened in the lesson's frame is a navigation too, but not a page to keep.
routing.registerRoute(({request, url}) => request.mode === "navigate" && url.origin === self.location.origin,
  new strategies.NetworkFirst({cacheName: PAGES, networkTimeoutSeconds: 10, plugins: [keepGoodPages]}));

routing.registerRoute(({url}) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new strategies.StaleWhileRevalidate({cacheName: "mcc-static"}));
