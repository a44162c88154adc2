// The console works without this script; it only keeps live panels fresh without a reload.
(function () {
  "use strict";
  function refresh(panel) {
    var every = parseInt(panel.getAttribute("data-every") || "0", 10);
    if (!every) return;
    var timer = setInterval(function () {
      fetch(panel.getAttribute("data-refresh"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
        .then(function (html) {
          panel.innerHTML = html;
          // A finished run stops refreshing: its page says so by its status.
          var done = panel.querySelector("[data-status]");
          if (done && done.getAttribute("data-status") !== "running") { clearInterval(timer); }
        })
        .catch(function () { panel.setAttribute("data-stale", "true"); });
    }, every);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(refresh);
  });
})();
