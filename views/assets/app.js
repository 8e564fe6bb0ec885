// Dashboard behaviours, driven by data attributes (the CSP forbids inline scripts).
//   htmx requests carry the CSRF token from <meta name="csrf-token"> as X-CSRF-Token.
//   data-copy="#id"            button: copy the text (or value) of #id to the clipboard
//   data-confirm="question"    form or button: ask before submitting
//   data-open-dialog="#id"     button: open <dialog id=id> as a modal
//   data-close-dialog          button inside a dialog: close it
//   data-confirm-match="text"  input: the form's submit buttons stay disabled until it equals text
//   <time datetime=ISO data-local>  rewritten as "2 Dec 2026, 06:03" in the page's zone (<body data-tz>, a
//                              funnel's), else the browser's
//   the aurea_tz cookie         the browser's zone, kept so a funnel's first visit can adopt it (no reload)
//   data-autofocus             focus this element when it is swapped in
//   data-origin-from="#url"    textarea: follows the origin of the URL input while the user has not edited it
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  document.addEventListener("htmx:configRequest", function (e) {
    var token = csrfToken();
    if (token) e.detail.headers["X-CSRF-Token"] = token;
  });

  function toast(message, tone) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast " + (tone || "info");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 5000);
  }
  window.aureaToast = toast;

  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var text = (xhr.responseText || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
    toast("Request failed (" + xhr.status + ")" + (text ? ": " + text : ""), "bad");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("Could not reach the server. Check your connection and try again.", "bad");
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      area.remove();
      ok ? resolve() : reject(new Error("copy failed"));
    });
  }

  document.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    var copy = target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (!source) return;
      var text = "value" in source && source.value !== undefined && source.tagName !== "BUTTON" ? source.value : source.textContent;
      var label = copy.textContent;
      copyText(text || "").then(
        function () {
          copy.textContent = "Copied";
          copy.classList.add("copied");
          setTimeout(function () { copy.textContent = label; copy.classList.remove("copied"); }, 1500);
        },
        function () { toast("Copy failed: select the text and copy it by hand.", "warn"); },
      );
      return;
    }
    var opener = target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.querySelector(opener.getAttribute("data-open-dialog"));
      if (dialog && typeof dialog.showModal === "function") {
        e.preventDefault();
        dialog.showModal();
        var first = dialog.querySelector("[autofocus], input, textarea, select, button");
        if (first) first.focus();
      }
      return;
    }
    var closer = target.closest("[data-close-dialog]");
    if (closer) {
      var d = closer.closest("dialog");
      if (d) d.close();
      return;
    }
    var asker = target.closest("button[data-confirm], a[data-confirm]");
    if (asker && !window.confirm(asker.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    }
  });

  function syncConfirmMatch(input) {
    var form = input.form;
    if (!form) return;
    var ok = input.value.trim() === input.getAttribute("data-confirm-match");
    form.querySelectorAll('button[type="submit"], button:not([type])').forEach(function (b) { b.disabled = !ok; });
  }
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-confirm-match")) syncConfirmMatch(el);
  });

  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.id) return;
    document.querySelectorAll('textarea[data-origin-from="#' + el.id + '"]').forEach(function (area) {
      if (area.value !== "" && area.value !== area.getAttribute("data-auto-value")) return;
      var origin = "";
      try { origin = new URL(el.value).origin; } catch (err) { origin = ""; }
      if (origin === "null") origin = "";
      area.value = origin;
      area.setAttribute("data-auto-value", origin);
    });
  });

  // The one date-time format of the dashboard, as views/analytics/format.ts formatDateTime draws it.
  var DATE_TIME = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  function timeFormat() {
    var tz = document.body && document.body.getAttribute("data-tz");
    try { return new Intl.DateTimeFormat("en-GB", tz ? Object.assign({ timeZone: tz }, DATE_TIME) : DATE_TIME); }
    catch (e) { return new Intl.DateTimeFormat("en-GB", DATE_TIME); }
  }

  function keepBrowserZone() {
    var tz = "";
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { tz = ""; }
    var m = document.cookie.match(/(?:^|;\s*)aurea_tz=([^;]*)/);
    if (tz && (!m || decodeURIComponent(m[1]) !== tz)) {
      document.cookie = "aurea_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  }
  keepBrowserZone();

  function enhance(root) {
    var format = timeFormat();
    root.querySelectorAll("time[data-local]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d.getTime())) {
        t.textContent = format.format(d);
        t.title = d.toISOString();
      }
    });
    root.querySelectorAll("input[data-confirm-match]").forEach(syncConfirmMatch);
    var focus = root.querySelector("[data-autofocus]");
    if (focus && root !== document) focus.focus();
  }

  // htmx keeps a snapshot of the page for back/forward and restores it as HTML: a style
  // attribute another script left (a browser extension, a screenshot tool hiding the
  // caret) would come back as markup the CSP refuses. Our markup has none to keep.
  document.addEventListener("htmx:beforeHistorySave", function (e) {
    var root = (e.detail && e.detail.historyElt) || document.body;
    root.querySelectorAll("[style]").forEach(function (el) { el.removeAttribute("style"); });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (e) {
    if (e.target instanceof Element) enhance(e.target.parentElement || e.target);
  });

  // Close an open funnel switcher when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.switcher[open]").forEach(function (d) {
      if (!(e.target instanceof Node) || !d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.switcher[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
})();
