// Lesson progress: the video player reports what was really played (the server decides what counts),
// resumes where the person stopped, and the end of a text lesson coming into view marks it as read.
"use strict";
MCC.whenPresent("lesson-progress", (box) => {
  const state = box.querySelector(".progress-state");
  const positions = JSON.parse(box.dataset.positions || "{}");
  const BEACON_SECONDS = 10;

  function post(url, body) {
    return MCC.postJSON(url, body, {keepalive: true}).then((r) => r.ok ? r.json() : null).catch(() => null);
  }
  // Offline, what was played is kept on the device and sent later (js/offline/queue.js); the server decides.
  function beacon(url, body) {
    if (navigator.onLine || !window.MCCQueue) return post(url, body);
    return window.MCCQueue.add({url: url, body: JSON.stringify(body), contentType: "application/json",
                                label: box.dataset.msgBeacon}).then(() => null, () => null);
  }
  function lessonDone() {
    box.dataset.done = "1";
    state.textContent = "\u2714 " + box.dataset.msgDone;
  }

  document.querySelectorAll("video[data-material-id]").forEach((video) => {
    const id = video.dataset.materialId;
    const url = box.dataset.beaconUrl.replace(/\/0\/beacon$/, "/" + id + "/beacon");
    let sequence = 0, segmentStart = null;
    video.addEventListener("loadedmetadata", () => {
      const resume = Number(positions[id] || 0);
      if (resume > 5 && resume < video.duration - 5) video.currentTime = resume;
    });
    function report() {
      if (segmentStart === null) return;
      const end = video.currentTime;
      if (end > segmentStart) {
        sequence += 1;
        beacon(url, {start: segmentStart, end: end, position: end, duration: video.duration || 0, sequence: sequence})
          .then((data) => { if (data && data.lesson_done) lessonDone(); });
      }
      segmentStart = video.paused ? null : end;
    }
    video.addEventListener("playing", () => { segmentStart = video.currentTime; });
    video.addEventListener("seeking", () => { report(); segmentStart = null; });
    video.addEventListener("seeked", () => { if (!video.paused) segmentStart = video.currentTime; });
    video.addEventListener("pause", report);
    video.addEventListener("ended", report);
    setInterval(() => { if (!video.paused) report(); }, BEACON_SECONDS * 1000);
    window.addEventListener("pagehide", report);
  });

  const sentinel = box.querySelector(".read-sentinel");
  if (sentinel && box.dataset.done !== "1" && "IntersectionObserver" in window) {
    let tries = 0;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      const attempt = () => post(box.dataset.readUrl).then((data) => {
        if (data && data.done) { lessonDone(); observer.disconnect(); }
        else if (tries++ < 60) setTimeout(attempt, 5000);  // not read long enough yet: ask again later
      });
      attempt();
    });
    observer.observe(sentinel);
  }
});
