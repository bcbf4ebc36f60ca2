// Shows the time left in a timed quiz (the server enforces the limit; this is only a reminder).
"use strict";
MCC.whenPresent("quiz-timer", (timer) => {
  const deadline = new Date(timer.dataset.deadline).getTime();
  const left = timer.querySelector("[data-left]");
  function tick() {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    left.textContent = "(" + Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0") + ")";
  }
  tick();
  setInterval(tick, 1000);
});
