// The import page while an import is checked or written: polls its progress and reloads the page once it ends.
// Without JavaScript a <meta refresh> in <noscript> reloads the page every 2 seconds instead.
(function () {
  "use strict";
  var bar = document.querySelector("progress[data-progress-url]");
  if (!bar) return;
  var text = document.querySelector("[data-rows-done]");
  function poll() {
    fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        if (progress.finished || progress.status !== document.querySelector("[data-status]").dataset.status) {
          window.location.reload();
          return;
        }
        if (progress.status === "running") {
          bar.max = progress.total_rows;
          bar.value = progress.rows_done;
          if (text) text.textContent = progress.rows_done;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
