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

  // The live timeline and the "right now" card, pushed by the server (one stream per
  // tab). EventSource reconnects by itself and sends Last-Event-ID, so the server
  // resumes after the last row this tab has.
  // The "show automatic events" switch swaps the card for one with another stream: the
  // old stream closes and the new one opens (checked whenever htmx swaps content in).
  var live = null;
  function openLiveStream() {
    var holder = document.getElementById("live-stream");
    if (!holder || !window.EventSource || (live && live.holder === holder)) return;
    if (live) live.es.close();
    var es = new EventSource(holder.getAttribute("data-live-stream"));
    live = { holder: holder, es: es };
    var status = document.getElementById("live-status");
    es.addEventListener("rows", function (e) {
      var list = document.getElementById("live-list");
      if (list) list.insertAdjacentHTML("afterbegin", e.data);
      trimLive();
    });
    es.addEventListener("now", function (e) {
      var body = document.getElementById("now-body");
      if (body) body.innerHTML = e.data;
    });
    es.addEventListener("reload", function () {
      es.close();
      var note = document.querySelector(".live-reload");
      if (note) note.hidden = false;
      if (status) status.textContent = "Paused";
    });
    es.addEventListener("open", function () { if (status) status.textContent = "Live"; });
    es.addEventListener("error", function () { if (status && es.readyState !== 2) status.textContent = "Reconnecting…"; });
  }

  document.addEventListener("DOMContentLoaded", openLiveStream);
  document.addEventListener("htmx:load", openLiveStream);
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
