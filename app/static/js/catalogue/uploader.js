// MCC material uploader: one protocol for S3 (parts go straight to the bucket through presigned URLs)
// and local storage (parts go to the app). Parts are sent in sequence; a failed part is retried;
// cancelling (or leaving the page) aborts the upload so nothing is left behind. Once the parts are in, a worker
// checks the file: the uploader shows "processing" and asks the server until the material is ready or refused.
"use strict";
MCC.whenPresent("uploader", (form) => {
  const fileInput = form.querySelector('input[type="file"]');
  const titleInput = form.querySelector('input[name="title"]');
  const progress = form.querySelector("progress");
  const status = form.querySelector(".upload-status");
  const cancelButton = form.querySelector("[data-cancel]");
  const submitButton = form.querySelector('button[type="submit"]');
  const MAX_TRIES = 4;
  let current = null;

  function message(name, values) {
    let text = form.dataset["msg" + name] || name;
    // Placeholders arrive as {name}: the template has already run gettext's formatting.
    Object.entries(values || {}).forEach(([k, v]) => { text = text.replace("{" + k + "}", v); });
    return text;
  }
  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }
  async function api(url, body) {
    const response = await MCC.postJSON(url, body);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }
  function sendPart(url, direct, blob, onProgress, state) {
    // XMLHttpRequest (not fetch) because only it reports upload progress.
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      state.xhr = xhr;
      xhr.open("PUT", url);
      if (!direct) {
        xhr.setRequestHeader("X-CSRFToken", MCC.csrfToken());
        xhr.withCredentials = true;
      }
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          let etag = xhr.getResponseHeader("ETag");
          if (!direct) { try { etag = JSON.parse(xhr.responseText).etag; } catch (e) { etag = null; } }
          if (etag) resolve(etag); else reject(new Error("no ETag"));
        } else {
          let reason = xhr.statusText;
          try { reason = JSON.parse(xhr.responseText).error || reason; } catch (e) { /* not JSON */ }
          const error = new Error(reason);
          error.fatal = xhr.status === 403 || xhr.status === 422;
          reject(error);
        }
      };
      xhr.onerror = () => reject(new Error("network"));
      xhr.onabort = () => reject(Object.assign(new Error("aborted"), {aborted: true}));
      xhr.send(blob);
    });
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function mediaDuration(file) {
    // The length of a video or audio, read by the browser (lets the server judge how much was watched).
    if (!/^(video|audio)\//.test(file.type)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const media = document.createElement(file.type.startsWith("video") ? "video" : "audio");
      const url = URL.createObjectURL(file);
      const done = (value) => { URL.revokeObjectURL(url); resolve(value); };
      media.preload = "metadata";
      media.onloadedmetadata = () => done(isFinite(media.duration) ? media.duration : null);
      media.onerror = () => done(null);
      setTimeout(() => done(null), 5000);
      media.src = url;
    });
  }

  async function upload(file) {
    const state = {cancelled: false, xhr: null, abortUrl: null};
    current = state;
    say(message("Preparing"));
    progress.hidden = false; progress.value = 0;
    cancelButton.hidden = false; submitButton.disabled = true;
    const duration = await mediaDuration(file);
    const announce = {filename: file.name, size: file.size, content_type: file.type || "",
                      title: titleInput.value, title_language: form.dataset.titleLanguage};
    if (duration) announce.duration = duration;
    const started = await api(form.dataset.startUrl, announce);
    state.abortUrl = started.abort_url;
    const parts = [];
    let sent = 0;
    for (let number = 1; number <= started.part_count; number++) {
      const blob = file.slice((number - 1) * started.part_size, Math.min(file.size, number * started.part_size));
      for (let attempt = 1; ; attempt++) {
        if (state.cancelled) throw Object.assign(new Error("aborted"), {aborted: true});
        try {
          const target = await api(started.target_url.replace("__PART__", String(number)));
          const etag = await sendPart(target.url, target.direct, blob, (loaded) => {
            progress.value = Math.floor(100 * (sent + loaded) / file.size);
            say(message("Uploading", {percent: MCC.percent(progress.value / 100)}));
          }, state);
          parts.push({number: number, etag: etag});
          sent += blob.size;
          break;
        } catch (error) {
          if (error.aborted || error.fatal || attempt >= MAX_TRIES) throw error;
          say(message("Retrying", {part: number}));
          await sleep(1000 * attempt);
        }
      }
    }
    say(message("Verifying"));
    cancelButton.hidden = true;
    const completed = await api(started.complete_url, {parts: parts});
    state.abortUrl = null;
    progress.value = 100;
    const material = await untilChecked(completed.material);
    if (material.status === "refused") {
      throw Object.assign(new Error(material.message || ""), {refused: true});
    }
    say(message("Done"));
    setTimeout(() => window.location.reload(), 800);
  }

  async function untilChecked(material) {
    // A worker checks size and content and computes the checksum; this asks how it went (more slowly as it waits).
    let delay = 1000;
    while (material.status === "processing") {
      say(message("Processing"));
      await sleep(delay);
      delay = Math.min(delay * 1.5, 5000);
      try {
        const response = await fetch(material.status_url, {credentials: "same-origin",
                                                           headers: {"Accept": "application/json"}});
        if (response.ok) {
          const data = await response.json();
          material = Object.assign({}, material, data.material);
        }
      } catch (error) { /* the network hiccuped: ask again */ }
    }
    return material;
  }

  async function abortCurrent() {
    if (!current) return;
    current.cancelled = true;
    if (current.xhr) current.xhr.abort();
    if (current.abortUrl) {
      const url = current.abortUrl;
      current.abortUrl = null;
      await MCC.postJSON(url, {}, {keepalive: true});
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) { say(message("Choose"), true); fileInput.focus(); return; }
    try {
      await upload(file);
    } catch (error) {
      if (error.aborted) {
        say(message("Cancelled"));
      } else if (error.refused) {
        say(message("Refused", {reason: error.message}), true);
      } else {
        await abortCurrent();
        say(message("Failed", {reason: error.message}), true);
      }
      progress.hidden = true;
    } finally {
      cancelButton.hidden = true; submitButton.disabled = false; current = null;
    }
  });
  cancelButton.addEventListener("click", () => { abortCurrent(); });
  window.addEventListener("pagehide", () => { if (current && current.abortUrl) abortCurrent(); });
});
