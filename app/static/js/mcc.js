// What the page scripts share. base.html loads this first (deferred scripts run in document order), so a page script
// can use window.MCC; the strict CSP allows no inline code, so every script is a file served by the app.
window.MCC = (function () {
  "use strict";

  /** Sets the page up with setUp(element) when it has the element with this id (deferred: the page is parsed). */
  function whenPresent(id, setUp) {
    const element = document.getElementById(id);
    if (element) setUp(element);
  }

  /** The elements with these ids, in the same order. */
  function byIds(...ids) {
    return ids.map((id) => document.getElementById(id));
  }

  /** The CSRF token of the page (every POST the app answers must carry it). */
  function csrfToken() {
    return document.querySelector('meta[name="csrf-token"]').content;
  }

  /** POSTs `body` as JSON with the CSRF token; `options` adds to fetch's (e.g. keepalive). Answers the Response. */
  function postJSON(url, body, options) {
    return fetch(url, Object.assign({
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {}),
    }, options));
  }

  /** A share (0.42) as the page's language writes a percentage ("42%" in Polish, "42 %" in Lithuanian). */
  function percent(share) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined, {style: "percent"}).format(share);
  }

  return Object.freeze({whenPresent, byIds, csrfToken, postJSON, percent});
})();

// The main menu folds behind a "Menu" button on narrow screens (it took a third of a phone's screen on every page).
(function () {
  "use strict";
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("main-nav");
  if (!toggle || !nav) return;
  const narrow = window.matchMedia("(max-width: 40rem)");
  function fold(folded) {
    nav.classList.toggle("folded", folded);
    toggle.setAttribute("aria-expanded", String(!folded));
  }
  function apply() {
    toggle.hidden = !narrow.matches;
    fold(narrow.matches);
  }
  toggle.addEventListener("click", () => fold(!nav.classList.contains("folded")));
  narrow.addEventListener("change", apply);
  apply();
})();
