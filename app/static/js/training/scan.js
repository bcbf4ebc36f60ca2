// The trainer's phone reads participants' QR tickets with its camera (jsQR, served by the app).
"use strict";
MCC.whenPresent("scanner", (box) => {
  const [start, video, canvas, status] = MCC.byIds("scanner-start", "scanner-video", "scanner-canvas", "scanner-status");
  let last = "", busy = false;

  async function send(ticket) {
    busy = true;
    try {
      const response = await MCC.postJSON(box.dataset.postUrl, {ticket: ticket});
      const data = await response.json();
      status.textContent = data.message;
      status.classList.toggle("error", !data.ok);
    } finally {
      setTimeout(() => { busy = false; }, 1500);
    }
  }
  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA && !busy) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d");
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(frame.data, frame.width, frame.height, {inversionAttempts: "dontInvert"});
      if (found && found.data && found.data !== last) { last = found.data; send(found.data); }
    }
    requestAnimationFrame(tick);
  }
  start.addEventListener("click", async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      start.hidden = true;
      requestAnimationFrame(tick);
    } catch (e) {
      status.textContent = box.dataset.msgNoCamera;
    }
  });
});
