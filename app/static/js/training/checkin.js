// After scanning the QR code the phone checks in at once; without scripts the button does the same.
(function () {
  "use strict";
  const form = document.getElementById("checkin-form");
  if (form && form.dataset.autosubmit === "1") form.requestSubmit ? form.requestSubmit() : form.submit();
})();
