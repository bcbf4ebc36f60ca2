// Keeps the trainer's check-in screen current: a new QR code and typed code every window.
"use strict";
MCC.whenPresent("qr-display", (box) => {
  const [image, code, seconds] = MCC.byIds("qr-image", "qr-code", "qr-seconds");
  let left = parseInt(seconds.textContent, 10) || 30;

  async function refresh() {
    try {
      const response = await fetch(box.dataset.source, {credentials: "same-origin", cache: "no-store"});
      if (!response.ok) return;
      const data = await response.json();
      image.src = data.image;
      code.textContent = data.code;
      left = data.seconds;
      seconds.textContent = left;
    } catch (e) { /* keep the current code; the next tick retries */ }
  }
  setInterval(() => {
    left -= 1;
    if (left <= 0) { refresh(); } else { seconds.textContent = left; }
  }, 1000);
});
