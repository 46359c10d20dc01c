// Progressive touches only: every feature works without this file (links and forms).
(function () {
  "use strict";
  var box = document.getElementById("q");
  var help = document.getElementById("syntax");

  document.addEventListener("keydown", function (event) {
    var typing = event.target instanceof HTMLInputElement ||
      event.target instanceof HTMLTextAreaElement;
    // "/" focuses the query box, as in most search tools
    if (event.key === "/" && !typing && box) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && help && help.open) {
      help.open = false;
    }
  });

  // On a narrow screen the results come first and the filters fold under one line; on a
  // wide one they stand open beside the results (the page itself ships them open).
  var facets = document.getElementById("facets");
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 860px)") : null;
  if (facets && narrow) {
    var fit = function () { facets.open = !narrow.matches; };
    fit();
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    var jump = document.getElementById("to-filters");
    if (jump) {
      jump.addEventListener("click", function () { facets.open = true; });
    }
  }

  // An empty search would only reload the home page: keep the user where they are.
  var form = box ? box.form : null;
  if (form) {
    form.addEventListener("submit", function (event) {
      if (!box.value.trim()) {
        event.preventDefault();
        box.focus();
      }
    });
  }
})();
