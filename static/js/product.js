// The product page: a gallery that swaps pictures in place, and a variant picker that shows which
// size/colour combinations exist and are in stock and tells the add-to-cart form which variant to add.
// Picking a colour shows that colour's first picture. Without JavaScript the page shows thumbnail links
// (?image=N; ?color=X puts that colour's pictures first), a plain table of variants with their availability,
// and the form's own option list.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- Gallery ----------------------------------------------------------------
  var main = document.querySelector("[data-gallery-main]");
  var thumbs = Array.prototype.slice.call(document.querySelectorAll(".gallery-thumb"));
  function show(thumb) {
    main.src = thumb.getAttribute("data-full");
    main.alt = thumb.getAttribute("data-alt");
    main.removeAttribute("width");
    main.removeAttribute("height");
    thumbs.forEach(function (t) { t.removeAttribute("aria-current"); });
    thumb.setAttribute("aria-current", "true");
  }
  // A colour picked in the variant picker shows that colour's first picture (pictures carry data-color).
  function showColor(color) {
    var thumb = thumbs.filter(function (t) { return t.getAttribute("data-color") === color; })[0];
    if (main && thumb) show(thumb);
  }
  if (main) {
    thumbs.forEach(function (thumb, index) {
      thumb.addEventListener("click", function (event) { event.preventDefault(); show(thumb); });
      thumb.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        var next = thumbs[(index + step + thumbs.length) % thumbs.length];
        next.focus();
        show(next);
      });
    });
  }

  // --- Variant picker -------------------------------------------------------------
  var picker = document.querySelector("[data-variant-picker]");
  var dataNode = document.getElementById("variant-data");
  if (!picker || !dataNode) return;
  var variants = JSON.parse(dataNode.textContent);
  var controls = picker.querySelector("[data-picker-controls]");
  var list = picker.querySelector("[data-variant-list]");
  if (!controls) return;  // variants without size or colour: the table says it all
  var groups = Array.prototype.slice.call(controls.querySelectorAll("fieldset[data-option]")).map(function (fs) {
    return { name: fs.getAttribute("data-option"), inputs: Array.prototype.slice.call(fs.querySelectorAll("input")) };
  });
  var priceNode = document.querySelector("[data-price]");
  var priceFrom = document.querySelector("[data-price-from]");
  var availability = document.querySelector("[data-availability]");
  var skuLine = document.querySelector("[data-sku-line]");
  var skuNode = document.querySelector("[data-sku]");

  controls.hidden = false;
  list.hidden = true;
  if (skuLine) skuLine.hidden = false;

  // The add-to-cart form: its option <select> (what browsers without JavaScript use) follows the picker.
  var cartForm = document.querySelector("[data-add-to-cart]");
  var skuField = cartForm && cartForm.querySelector("[data-sku-field]");
  var skuSelect = cartForm && cartForm.querySelector("select[data-sku-select]");
  var addButton = cartForm && cartForm.querySelector("[data-add-button]");
  if (skuField) skuField.hidden = true;
  function syncCart(variant) {
    if (!addButton) return;
    var buyable = !!variant && variant.available > 0;
    if (skuSelect && variant) skuSelect.value = variant.sku;
    addButton.disabled = !buyable;
    addButton.textContent = buyable ? "Add to cart" : variant ? "Sold out" : "Choose an option";
  }

  function chosen() {
    var picked = {};
    groups.forEach(function (g) {
      var checked = g.inputs.filter(function (i) { return i.checked; })[0];
      picked[g.name] = checked ? checked.value : null;
    });
    return picked;
  }
  function matching(picked, ignore) {
    return variants.filter(function (v) {
      return groups.every(function (g) { return g.name === ignore || picked[g.name] === null || v[g.name] === picked[g.name]; });
    });
  }
  function exact(picked) {
    var found = matching(picked, null).filter(function (v) {
      return groups.every(function (g) { return picked[g.name] !== null; });
    });
    return found[0] || null;
  }

  function refresh(changed) {
    var picked = chosen();
    // The first group (size) is always choosable; later groups are limited to what exists with the
    // choices before them, so a shopper never lands on a combination that is not sold at all.
    groups.forEach(function (g, position) {
      var before = {};
      groups.slice(0, position).forEach(function (earlier) { before[earlier.name] = picked[earlier.name]; });
      g.inputs.forEach(function (input) {
        var probe = Object.assign({}, picked);
        probe[g.name] = input.value;
        var existsBefore = variants.some(function (v) {
          return v[g.name] === input.value && Object.keys(before).every(function (k) { return before[k] === null || v[k] === before[k]; });
        });
        var withOthers = matching(probe, null);
        var inStock = withOthers.some(function (v) { return v.available > 0; });
        var anyStock = variants.some(function (v) { return v[g.name] === input.value && v.available > 0; });
        input.disabled = position > 0 && !existsBefore;
        var label = input.nextElementSibling;
        var soldOut = input.disabled ? false : (withOthers.length ? !inStock : !anyStock);
        label.classList.toggle("is-sold-out", soldOut);
        var note = label.querySelector("[data-note]");
        if (note) note.textContent = input.disabled ? " (not available in this combination)" : soldOut ? " (out of stock)" : "";
      });
      // A choice that just became impossible moves to the first possible one, in stock if any.
      var current = g.inputs.filter(function (i) { return i.checked; })[0];
      if (current && current.disabled) {
        var usable = g.inputs.filter(function (i) { return !i.disabled; });
        var better = usable.filter(function (i) { return !i.nextElementSibling.classList.contains("is-sold-out"); })[0] || usable[0];
        if (better) { better.checked = true; picked[g.name] = better.value; }
      }
    });
    groups.forEach(function (g) {
      var label = controls.querySelector('[data-chosen="' + g.name + '"]');
      if (label) label.textContent = picked[g.name] || "choose one";
    });

    var variant = exact(picked);
    availability.classList.remove("is-in", "is-low", "is-out", "is-none");
    if (!variant) {
      var missing = groups.filter(function (g) { return picked[g.name] === null; }).map(function (g) { return g.name === "color" ? "colour" : g.name; });
      availability.textContent = missing.length ? "Choose a " + missing.join(" and ") : "This combination is not available";
      availability.classList.add("is-none");
      if (skuLine) skuLine.hidden = true;
      syncCart(null);
      return;
    }
    syncCart(variant);
    if (priceFrom) priceFrom.hidden = true;
    if (priceNode) priceNode.textContent = variant.price;  // written by the server with its symbol
    if (skuNode) { skuNode.textContent = variant.sku; skuLine.hidden = false; }
    if (variant.available > 5) {
      availability.textContent = "In stock";
      availability.classList.add("is-in");
    } else if (variant.available > 0) {
      availability.textContent = "In stock, only " + variant.available + " left";
      availability.classList.add("is-low");
    } else {
      availability.textContent = "Out of stock";
      availability.classList.add("is-out");
    }
  }

  groups.forEach(function (g) {
    g.inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        refresh(g.name);
        if (g.name === "color") showColor(input.value);
      });
    });
  });
  refresh(null);
})();
