// MCC material uploader: one protocol for S3 (parts go straight to the bucket through presigned URLs)
// and local storage (parts go to the app). Parts are sent in sequence; a failed part is retried, and while the
// browser is offline the uploader waits for the connection. The upload is announced with a fingerprint of the file:
// after a reload, a crash or a day offline, choosing the same file again resumes it (the server names the parts it
// already has; only the others are sent). Leaving the page therefore keeps the upload; "Cancel" aborts it, and the
// server's upkeep removes uploads nobody came back to. Once the parts are in, a worker checks (and converts) the
// file: the uploader shows that and asks the server until the material is ready or refused.
"use strict";
MCC.whenPresent("uploader", (form) => {
  const fileInput = form.querySelector('input[type="file"]');
  const titleInput = form.querySelector('input[name="title"]');
  const languageSelect = form.querySelector('select[name="language"]');
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
    if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), {status: response.status});
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
          error.status = xhr.status;
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
  const online = () => new Promise((r) => window.addEventListener("online", r, {once: true}));
  const MIB = 1024 * 1024;

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  async function fingerprint(file) {
    // What tells this file from another of the same name and size: when it was modified and a SHA-256 of its first
    // and last MiB (reading the whole of a 3 GB file would take minutes). crypto.subtle exists only on https
    // (and localhost): elsewhere name, size and date must do.
    const print = {last_modified: Math.max(0, Math.floor(file.lastModified || 0))};
    if (window.crypto && window.crypto.subtle) {
      const sample = file.size <= 2 * MIB ? file : new Blob([file.slice(0, MIB), file.slice(file.size - MIB)]);
      print.sample_sha256 = hex(await window.crypto.subtle.digest("SHA-256", await sample.arrayBuffer()));
    }
    return print;
  }

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
    say(message("Fingerprinting"));
    const announce = Object.assign({filename: file.name, size: file.size, content_type: file.type || "",
                                    title: titleInput.value, title_language: form.dataset.titleLanguage},
                                   await fingerprint(file));
    if (languageSelect) announce.language = languageSelect.value;
    if (duration) announce.duration = duration;
    const started = await api(form.dataset.startUrl, announce);
    if (state.cancelled) {  // "Cancel" was pressed while the file was being read
      await MCC.postJSON(started.abort_url, {});
      throw Object.assign(new Error("aborted"), {aborted: true});
    }
    state.abortUrl = started.abort_url;
    const partBlob = (number) => file.slice((number - 1) * started.part_size,
                                            Math.min(file.size, number * started.part_size));
    // A resumed upload: the parts the server already has count as sent.
    const parts = (started.received || []).map((part) => ({number: part.number, etag: part.etag}));
    const have = new Set(parts.map((part) => part.number));
    let sent = parts.reduce((total, part) => total + partBlob(part.number).size, 0);
    progress.value = Math.floor(100 * sent / file.size);
    if (have.size) say(message("Resuming", {sent: have.size, total: started.part_count}));
    for (let number = 1; number <= started.part_count; number++) {
      if (have.has(number)) continue;
      const blob = partBlob(number);
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
          if (error.aborted || error.fatal) throw error;
          if (navigator.onLine === false) {
            // No network at all: wait for it however long it takes (the server keeps the parts for days).
            say(message("Offline"));
            await online();
            attempt = 0;
            continue;
          }
          if (attempt >= MAX_TRIES) throw error;
          say(message("Retrying", {part: number}));
          await sleep(1000 * attempt);
        }
      }
    }
    say(message("Verifying"));
    cancelButton.hidden = true;
    parts.sort((a, b) => a.number - b.number);
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
      // A video is then converted for phones: the worker reports how far it is (older servers do not).
      if (material.media_status === "processing" && typeof material.progress === "number") {
        progress.value = Math.max(0, Math.min(100, material.progress));
        say(message("Converting", {percent: MCC.percent(progress.value / 100)}));
      } else {
        say(message("Processing"));
      }
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
      try {
        await upload(file);
      } catch (error) {
        // An upload token (or a presigned URL) that expired while the page waited: announce the file again, which
        // resumes the upload with fresh ones.
        if (error.status !== 403 || !current || !current.abortUrl || current.cancelled) throw error;
        await upload(file);
      }
    } catch (error) {
      if (error.aborted) {
        say(message("Cancelled"));
      } else if (error.refused) {
        say(message("Refused", {reason: error.message}), true);
      } else if (current && current.abortUrl) {
        // The parts sent so far stay on the server: choosing the same file again continues from there.
        say(message("Interrupted", {reason: error.message}), true);
      } else {
        say(message("Failed", {reason: error.message}), true);
      }
      progress.hidden = true;
    } finally {
      cancelButton.hidden = true; submitButton.disabled = false; current = null;
    }
  });
  cancelButton.addEventListener("click", () => { abortCurrent(); });
  if (languageSelect) {
    // Drawings, programs and pictures need no language; anything else is taken to be in the trainer's, until they
    // choose otherwise.
    const languageless = new Set((languageSelect.dataset.languageless || "").split(" "));
    const usual = languageSelect.value;
    let chosen = false;
    languageSelect.addEventListener("change", () => { chosen = true; });
    fileInput.addEventListener("change", () => {
      const file = fileInput.files[0];
      if (!file || chosen) return;
      const extension = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
      languageSelect.value = languageless.has(extension) ? "any" : usual;
    });
  }
});
