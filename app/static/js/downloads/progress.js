// The progress page of a generated file: asks the server how far it is until the file is ready (then offers the
// download link) or failed.
"use strict";
MCC.whenPresent("generated-file", (box) => {
  const progress = box.querySelector("progress");
  const status = box.querySelector(".generated-status");
  const link = box.querySelector("[data-download]");
  const FINAL = new Set(["ready", "failed", "expired"]);
  let delay = 1000;

  function show(data) {
    let text = box.dataset["msg" + data.status.charAt(0).toUpperCase() + data.status.slice(1)] || data.status;
    text = text.replace("{percent}", MCC.percent(data.progress / 100));
    status.textContent = text;
    status.classList.toggle("error", data.status === "failed" || data.status === "expired");
    progress.hidden = data.status === "failed" || data.status === "expired";
    progress.value = data.status === "ready" ? 100 : data.progress;
    if (data.status === "ready" && data.url) { link.href = data.url; link.hidden = false; }
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {credentials: "same-origin",
                                                           headers: {"Accept": "application/json"}});
      if (response.ok) {
        const data = await response.json();
        show(data);
        if (FINAL.has(data.status)) return;
      }
    } catch (error) { /* the network hiccuped: try again */ }
    delay = Math.min(delay * 1.3, 5000);
    setTimeout(poll, delay);
  }
  if (!link.hidden) return;  // already ready when the page was served
  setTimeout(poll, 500);
});
