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
