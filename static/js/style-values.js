// Per-element style values (a swatch's colour, a star rating's fill, a bar's length) arrive as data-*
// attributes, because the Content Security Policy refuses inline style="" attributes. This sets them as
// CSS custom properties through the CSSOM, which the policy allows: on load and on every htmx swap.
(function () {
  "use strict";

  var VALUES = [
    { attribute: "data-swatch", property: "--swatch", unit: "" },
    { attribute: "data-rating", property: "--rating", unit: "" },
    { attribute: "data-percent", property: "--percent", unit: "%" },
  ];

  function apply(root) {
    VALUES.forEach(function (value) {
      var selector = "[" + value.attribute + "]";
      var elements = Array.prototype.slice.call(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) elements.push(root);
      elements.forEach(function (element) {
        element.style.setProperty(value.property, element.getAttribute(value.attribute) + value.unit);
      });
    });
  }

  apply(document);
  document.addEventListener("htmx:load", function (event) { apply(event.target); });
})();
