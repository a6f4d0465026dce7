/* Progress page: refresh the figures in place every minute, without reloading the page.
   Without JavaScript the page still shows the figures as of its loading (reload to update). */
(function () {
  "use strict";
  var box = document.getElementById("progress-figures");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh-url");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 60;

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { box.innerHTML = data.html; })
      .catch(function () { /* keep the figures shown; the next round tries again */ });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
}());
