// The business-case editor's progressive script. The editor works without it; with it:
// - changing a line's type shows only the fields that type uses (the server renders the
//   same choice for the saved type);
// - the page focuses where it landed: the error summary, or the first field of the line
//   or risk named by the URL's fragment.
(function () {
  "use strict";
  var grid = document.querySelector(".bc-grid");
  var benefit = grid ? (grid.getAttribute("data-benefit-kinds") || "").split(" ") : [];

  function showFor(line, kind) {
    var wanted = {
      benefit: benefit.indexOf(kind) >= 0,
      channels: kind === "kanalomlaegning",
      category: kind === "usynligt_arbejde"
    };
    line.setAttribute("data-kind", kind);
    line.querySelectorAll("[data-show]").forEach(function (el) {
      el.hidden = !wanted[el.getAttribute("data-show")];
    });
  }

  document.querySelectorAll(".bc-grid .bc-kind").forEach(function (select) {
    select.addEventListener("change", function () {
      var line = select.closest(".bc-line");
      if (line) showFor(line, select.value);
    });
  });
  document.documentElement.classList.add("bc-js");

  var summary = document.getElementById("bc-fejl");
  if (summary) {
    summary.focus();
    return;
  }
  // The browser focuses the line named by the fragment once the page has loaded; then
  // move on to the line's first field.
  var hash = window.location.hash.slice(1);
  if (/^(linje|risiko)-\d+$/.test(hash)) {
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        var target = document.getElementById(hash);
        var field = target && target.querySelector("input:not([type=hidden]), select");
        if (field) field.focus();
      }, 0);
    });
  }
})();
