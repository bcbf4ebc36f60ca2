// The lesson's video player: the HLS ladder through hls.js (served by the app) where the browser has Media Source
// Extensions, native HLS where the browser plays it itself (Safari), else the MP4 rendition already in <source>.
// "Data saver" keeps the smallest picture and is remembered for the person; the subtitles menu picks a track.
"use strict";
document.querySelectorAll(".player").forEach((box) => {
  const video = box.querySelector("video");
  const hlsUrl = box.dataset.hls;
  const saver = box.querySelector("input.data-saver");
  let hls = null;

  function applySaver(on) {
    if (hls) hls.autoLevelCapping = on ? 0 : -1;  // 0: the lowest rendition; -1: as the bandwidth allows
  }

  // Offline, only the smallest rendition can be there (a course saved for offline use keeps it).
  const offlineSrc = box.dataset.offlineSrc;
  if (!navigator.onLine && offlineSrc) {
    video.src = offlineSrc;
  } else if (hlsUrl && window.Hls && window.Hls.isSupported()) {
    // No web worker: hls.js would build it from a blob: URL, which the site's script policy does not allow.
    hls = new window.Hls({enableWorker: false, capLevelToPlayerSize: true, startLevel: box.dataset.saver === "1" ? 0 : -1});
    applySaver(box.dataset.saver === "1");
    hls.on(window.Hls.Events.ERROR, (event, data) => {
      if (!data.fatal) return;
      // A broken ladder must not leave the trainee without the video: back to the MP4 rendition.
      const source = video.querySelector("source");
      hls.destroy();
      hls = null;
      const fallback = !navigator.onLine && offlineSrc ? offlineSrc : source && source.src;
      if (fallback) { video.src = fallback; video.load(); }
    });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
  } else if (hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = hlsUrl;
  }

  const choice = box.querySelector("select.captions-choice");
  function showCaptions(language) {
    Array.from(video.textTracks).forEach((track) => {
      track.mode = language && track.language === language ? "showing" : "disabled";
    });
  }
  if (choice) {
    choice.addEventListener("change", () => showCaptions(choice.value));
    video.textTracks.addEventListener("change", () => {  // the browser's own menu was used: follow it
      const shown = Array.from(video.textTracks).find((track) => track.mode === "showing");
      choice.value = shown ? shown.language : "";
    });
    showCaptions(choice.value);
  }

  if (saver) {
    saver.addEventListener("change", () => {
      applySaver(saver.checked);
      MCC.postJSON(box.dataset.saverUrl, {on: saver.checked}).catch(() => null);
    });
  }
});
