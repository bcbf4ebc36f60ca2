// After scanning the QR code the phone checks in at once; without scripts the button does the same.
"use strict";
MCC.whenPresent("checkin-form", (form) => {
  if (form.dataset.autosubmit === "1") form.requestSubmit ? form.requestSubmit() : form.submit();
});
