// Checkout pages: every feature here improves a page that already works without JavaScript.
// - the new-address fields show only while "A new address" is chosen;
// - the order total follows the chosen shipping method;
// - a form is sent once, however often its button is pressed;
// - the hold countdown ticks, and at zero the page says the order expired;
// - while an asynchronous payment settles, the order page reloads itself once it has.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var each = function (selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  };

  // --- Errors get the focus, so keyboard and screen-reader users start there ----------------------
  var firstError = document.querySelector("[data-focus-on-load]");
  if (firstError) firstError.focus();

  // --- New address fields ----------------------------------------------------------------------
  var newAddress = document.querySelector("[data-new-address]");
  var addressChoices = document.querySelectorAll("[data-address-choice]");
  if (newAddress && addressChoices.length) {
    var hint = newAddress.querySelector("[data-new-address-hint]");
    if (hint) hint.hidden = true;
    var syncAddress = function () {
      var chosen = document.querySelector("[data-address-choice]:checked");
      var isNew = chosen && chosen.value === "new";
      if (isNew) newAddress.removeAttribute("data-collapsed");
      else newAddress.setAttribute("data-collapsed", "");
    };
    each("[data-address-choice]", function (radio) { radio.addEventListener("change", syncAddress); });
    syncAddress();
  }

  // --- Total follows the shipping method -----------------------------------------------------
  var totals = document.querySelector("[data-totals]");
  if (totals) {
    var symbol = totals.getAttribute("data-currency-symbol") || "";
    // Minor units of the store's currency (ISO 4217: 0 for JPY, 2 for USD), as the server writes them.
    var places = parseInt(totals.getAttribute("data-currency-places") || "2", 10);
    var unit = Math.pow(10, places);
    var cents = function (text) { return Math.round(parseFloat(text) * unit); };
    var money = function (value) {
      return symbol + (value / unit).toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
    };
    var goods = cents(totals.getAttribute("data-goods"));
    var shippingNode = totals.querySelector("[data-shipping-amount]");
    var totalNode = totals.querySelector("[data-total-amount]");
    var syncTotal = function () {
      var chosen = document.querySelector("[data-shipping-choice]:checked");
      if (!chosen) return;
      var shipping = cents(chosen.getAttribute("data-price"));
      shippingNode.textContent = money(shipping);
      totalNode.textContent = money(goods + shipping);
    };
    each("[data-shipping-choice]", function (radio) { radio.addEventListener("change", syncTotal); });
  }

  // --- Send once ------------------------------------------------------------------------------
  each("form[data-submit-once]", function (form) {
    var button = form.querySelector("button[type=submit]");
    var label = button ? button.textContent : "";
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sending")) { event.preventDefault(); return; }
      form.setAttribute("data-sending", "");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        if (button.getAttribute("data-submit-label")) button.textContent = button.getAttribute("data-submit-label");
      }
    });
    // Back from the next page (bfcache): the form is usable again.
    window.addEventListener("pageshow", function () {
      form.removeAttribute("data-sending");
      if (button) { button.removeAttribute("aria-disabled"); button.textContent = label; }
    });
  });

  // --- Hold countdown ---------------------------------------------------------------------------
  var countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    var text = countdown.querySelector("[data-countdown-text]");
    var announce = countdown.querySelector("[data-countdown-announce]");
    var secondsLeft = parseInt(countdown.getAttribute("data-seconds-left"), 10) || 0;
    var started = Date.now();
    var warned = secondsLeft <= 60;
    var format = function (seconds) {
      var m = Math.floor(seconds / 60);
      var s = seconds % 60;
      return m + " min " + (s < 10 ? "0" : "") + s + " s";
    };
    var expire = function () {
      countdown.classList.add("is-over");
      each("[data-expired-notice]", function (node) {
        node.hidden = false;
        node.setAttribute("role", "status");
      });
      each("[data-pay-section]", function (node) { node.hidden = true; });
    };
    var tick = function () {
      var left = Math.max(0, secondsLeft - Math.floor((Date.now() - started) / 1000));
      text.textContent = format(left);
      if (left <= 60) countdown.classList.add("is-urgent");
      if (left <= 60 && !warned) {
        warned = true;
        announce.textContent = "One minute left to pay.";
      }
      if (left === 0) {
        clearInterval(timer);
        expire();
        return;
      }
    };
    var timer = setInterval(tick, 1000);
    if (secondsLeft <= 0) tick();
  }

  // --- A payment being confirmed: reload once the order has moved on ---------------------------
  var poll = document.querySelector("[data-poll-order]");
  if (poll && window.fetch) {
    var url = poll.getAttribute("data-poll-order");
    var tries = 0;
    var check = function () {
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          var order = body && (body.order || body);
          var payments = (order && order.payments) || [];
          var stillPending = order && order.status === "pending_payment" &&
            (!payments.length || payments.some(function (p) { return p.status === "pending"; }));
          if (order && !stillPending) { window.location.reload(); return; }
          if (tries < 60) setTimeout(check, 3000);
        })
        .catch(function () { if (tries < 60) setTimeout(check, 3000); });
    };
    setTimeout(check, 2000);
  }
})();
