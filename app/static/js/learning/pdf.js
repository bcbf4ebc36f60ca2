// Browsers without a PDF viewer show an empty box where a PDF is embedded: hide it, the "Open the PDF" button stays.
"use strict";
if (navigator.pdfViewerEnabled === false) {
  document.querySelectorAll(".pdf-preview").forEach((frame) => { frame.hidden = true; });
}
