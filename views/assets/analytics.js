// Analytics pages (loaded by views/analytics/*; the CSP forbids inline scripts).
//   Times are drawn by the server in the funnel's zone (app.js keeps the browser's zone in
//   a cookie for a funnel's first visit): nothing here reloads the page.
//   #live-list: keeps the live timeline to its newest rows.
//   data-clear="#id": button that empties #id (closing an opened event's properties).
(function () {
  "use strict";
  var MAX_LIVE_ROWS = 60;

  function trimLive() {
    var list = document.getElementById("live-list");
    if (!list) return;
    while (list.children.length > MAX_LIVE_ROWS) list.removeChild(list.lastElementChild);
    if (list.children.length) {
      var waiting = document.querySelector(".live-waiting");
      if (waiting) waiting.remove();
    }
  }

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target instanceof Element && e.target.id === "live-list") trimLive();
  });

  document.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    var clear = target.closest("[data-clear]");
    if (clear) {
      var box = document.querySelector(clear.getAttribute("data-clear"));
      if (box) box.innerHTML = "";
      return;
    }
    document.querySelectorAll("details.range-menu[open]").forEach(function (d) {
      if (!d.contains(target)) d.removeAttribute("open");
    });
  });
})();
