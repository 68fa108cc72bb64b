// Cart forms driven by htmx (the product page's add-to-cart, the cart page's buttons).
// The CSRF token travels as the X-CSRFToken header, read from the csrftoken cookie. The product page is
// cached for every anonymous visitor, so it carries no token: when the cookie is missing, the first
// change fetches it once from /cart/token and then goes ahead. Refusals (out of stock, an unknown
// option, a line that is gone) answer 4xx with a message fragment, which is shown like any answer.
(function () {
  "use strict";
  var TOKEN_URL = "/cart/token";
  var SHOWN_REFUSALS = [400, 404, 409];

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function unsafe(verb) {
    return !/^(get|head|options)$/i.test(verb || "");
  }
  function cartElement(elt) {
    return elt && elt.closest ? elt.closest("[data-cart-form], [data-cart]") : null;
  }

  document.addEventListener("htmx:confirm", function (event) {
    if (!cartElement(event.detail.elt) || !unsafe(event.detail.verb) || cookie("csrftoken")) return;
    event.preventDefault();
    fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store" })
      .catch(function () { /* the request below then fails visibly */ })
      .then(function () { event.detail.issueRequest(true); });
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookie("csrftoken");
    if (token && unsafe(event.detail.verb)) event.detail.headers["X-CSRFToken"] = token;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    if (SHOWN_REFUSALS.indexOf(event.detail.xhr.status) >= 0 && config && cartElement(config.elt)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var config = event.detail.requestConfig;
    var status = document.getElementById("cart-status");
    if (!config || !cartElement(config.elt) || !status) return;
    status.innerHTML = "";
    var message = document.createElement("p");
    message.className = "message message-error cart-flash";
    message.setAttribute("role", "alert");
    message.textContent = "Sorry, that did not work. Please reload the page and try again.";
    status.appendChild(message);
  });
})();
