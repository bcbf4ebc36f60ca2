// The API documentation page: Swagger UI (vendored, app/static/vendor/swagger-ui) on our OpenAPI description.
// Kept in a file of its own: the site's Content Security Policy allows no inline script.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    deepLinking: false,
    tryItOutEnabled: false,
    // The schemas are shown with each operation; the separate list of all of them adds length, not meaning.
    defaultModelsExpandDepth: -1,
    // No "validator badge": it would send our description to an outside service.
    validatorUrl: null,
  });
}());
