// Category and search pages: sort applies on change, and the filter panel folds away on small screens.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var sort = document.querySelector("select[data-auto-submit]");
  if (sort && sort.form) {
    sort.addEventListener("change", function () {
      if (sort.form.requestSubmit) sort.form.requestSubmit(); else sort.form.submit();
    });
  }

  var panel = document.querySelector("[data-filters-panel]");
  if (!panel) return;
  var summary = panel.querySelector("summary");
  var wide = window.matchMedia("(min-width: 861px)");
  function fit() {
    if (wide.matches) {
      panel.open = true;
      summary.setAttribute("tabindex", "-1");  // always open beside the results: nothing to toggle
    } else {
      summary.removeAttribute("tabindex");
    }
  }
  summary.addEventListener("click", function (event) { if (wide.matches) event.preventDefault(); });
  if (!wide.matches) panel.open = false;  // results first on phones; the panel opens on demand
  fit();
  wide.addEventListener("change", fit);
})();
