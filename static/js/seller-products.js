// The product editor: typing sizes or colours offers to rebuild the variant table. The "Build variants" button
// (a normal submit the server answers) works without this; here it is only highlighted when the lists change.
(function () {
  "use strict";
  var button = document.querySelector("[data-build-variants]");
  if (!button) return;
  ["id_sizes", "id_colors"].forEach(function (id) {
    var input = document.getElementById(id);
    if (!input) return;
    input.addEventListener("input", function () {
      button.classList.remove("btn-outline");
      button.classList.add("btn-primary");
    });
  });
})();
