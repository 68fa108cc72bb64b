// /api/redoc/: starts Redoc on the schema named by the container, with the settings of its JSON block.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(document.getElementById("redoc-settings").textContent);
  window.Redoc.init(container.getAttribute("data-spec-url"), settings, container);
})();
