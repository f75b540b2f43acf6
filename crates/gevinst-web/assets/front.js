// The front page: fills in the forecasts that were not cached when the page was made.
// Each box with data-prognose names a fragment that computes the forecast on the server
// (under its compute limiter) and answers its probabilities as HTML. Without this script
// the box keeps its "Beregn" button, which does the same through a form.
"use strict";
document.querySelectorAll("[data-prognose]").forEach(function (box) {
  var status = box.querySelector(".prognose-status");
  fetch(box.getAttribute("data-prognose"), {
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  })
    .then(function (res) {
      if (!res.ok) {
        throw new Error("HTTP " + res.status);
      }
      return res.text();
    })
    .then(function (html) {
      box.innerHTML = html;
      box.removeAttribute("data-prognose");
    })
    .catch(function () {
      if (status) {
        status.textContent =
          "Prognosen kunne ikke beregnes lige nu. Prøv igen med knappen.";
      }
    });
});
