// The header search box suggests as the shopper types: corrected spellings, products and categories from
// the form's data-suggest URL (/api/v1/search/suggest), as an ARIA 1.2 combobox with a listbox popup.
// Arrow keys move through the suggestions (aria-activedescendant keeps focus in the box), Enter opens the
// highlighted one, Escape closes the list (or clears the box when it is closed). Without JavaScript, or
// with nothing highlighted, the form is a plain GET search.
(function () {
  "use strict";
  var DELAY = 150; // ms of quiet typing before asking
  var form = document.querySelector("form[data-suggest]");
  var input = form && form.querySelector('input[name="q"]');
  if (!input) return;

  var listId = input.id + "-suggestions";
  var list = document.createElement("ul");
  list.id = listId;
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.classList.add("has-suggest");
  form.appendChild(list);
  form.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("aria-expanded", "false");

  var options = []; // [{node, url}]
  var active = -1;
  var timer = null;
  var pending = null; // the AbortController of the request in flight
  var asked = ""; // the text the shown suggestions are for

  function open() {
    if (!options.length) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  }
  function highlight(index) {
    if (active >= 0 && options[active]) options[active].node.setAttribute("aria-selected", "false");
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    var node = options[index].node;
    node.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", node.id);
    node.scrollIntoView({ block: "nearest" });
  }
  function go(index) {
    window.location.assign(options[index].url);
  }

  function option(text, kind, url) {
    var node = document.createElement("li");
    node.id = listId + "-" + options.length;
    node.className = "suggest-option";
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    var label = document.createElement("span");
    label.className = "suggest-text";
    label.textContent = text;
    node.appendChild(label);
    if (kind) {
      var tag = document.createElement("span");
      tag.className = "suggest-kind";
      tag.textContent = kind;
      node.appendChild(tag);
    }
    var index = options.length;
    // mousedown would blur the box (closing the list) before the click lands.
    node.addEventListener("mousedown", function (event) { event.preventDefault(); });
    node.addEventListener("click", function () { go(index); });
    options.push({ node: node, url: url });
    list.appendChild(node);
  }

  function show(data) {
    list.textContent = "";
    options = [];
    active = -1;
    var searchUrl = form.getAttribute("action") || "/search";
    if (data.corrected) option("Search for “" + data.corrected + "”", "Did you mean", searchUrl + "?q=" + encodeURIComponent(data.corrected));
    (data.products || []).forEach(function (p) { option(p.name, "", p.url); });
    (data.categories || []).forEach(function (c) { option(c.name, "Category", c.url); });
    status.textContent = options.length ? options.length + " suggestion" + (options.length === 1 ? "" : "s") + ", use the arrow keys to choose" : "";
    if (options.length) open();
    else close();
  }

  function ask() {
    var text = input.value.trim();
    if (text === asked) { open(); return; }
    if (pending) pending.abort();
    if (!text) { asked = ""; show({}); return; }
    pending = new AbortController();
    var url = form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text);
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && input.value.trim() === text) { asked = text; show(data); }
      })
      .catch(function () { /* aborted by newer typing, or offline: the plain form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY);
  });
  input.addEventListener("keydown", function (event) {
    var count = options.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault();
      if (list.hidden) { open(); highlight(event.key === "ArrowDown" ? 0 : count - 1); return; }
      // Past either end the highlight goes back to the box itself (-1), as in a native datalist.
      var next = active + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= count) next = -1;
      else if (next < -1) next = count - 1;
      highlight(next);
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) { event.preventDefault(); go(active); }
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); }
      else if (input.value) { event.preventDefault(); input.value = ""; asked = ""; show({}); }
    }
  });
  input.addEventListener("blur", close);
  input.addEventListener("focus", function () { if (input.value.trim() && input.value.trim() === asked) open(); });
})();
