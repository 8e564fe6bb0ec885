// Analytics pages (loaded by views/analytics/*; the CSP forbids inline scripts).
//   Time zone: the server renders times in the zone of the aurea_tz cookie; this sets
//   the cookie to the browser's zone and reloads once when the page was drawn in another.
//   #live-list: keeps the live timeline to its newest rows.
//   data-clear="#id": button that empties #id (closing an opened event's properties).
(function () {
  "use strict";
  var MAX_LIVE_ROWS = 60;

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function cookieZone() {
    var m = document.cookie.match(/(?:^|;\s*)aurea_tz=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function syncZone() {
    var tz = browserZone();
    if (!tz) return;
    if (cookieZone() !== tz) document.cookie = "aurea_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    var root = document.querySelector("[data-tz]");
    if (!root || root.getAttribute("data-tz-from-url") === "1" || root.getAttribute("data-tz") === tz) return;
    // Reload once; if cookies are blocked, carry the zone in the URL instead.
    if (sessionStorage.getItem("aurea-tz-reloaded") === tz) return;
    sessionStorage.setItem("aurea-tz-reloaded", tz);
    if (cookieZone() === tz) { location.reload(); return; }
    var url = new URL(location.href);
    url.searchParams.set("tz", tz);
    location.replace(url.toString());
  }

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
  function openLiveStream() {
    var holder = document.getElementById("live-stream");
    if (!holder || !window.EventSource) return;
    var es = new EventSource(holder.getAttribute("data-live-stream"));
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

  document.addEventListener("DOMContentLoaded", syncZone);
  document.addEventListener("DOMContentLoaded", openLiveStream);
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
