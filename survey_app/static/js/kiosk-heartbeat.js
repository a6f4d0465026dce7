/* Kiosk heartbeat: every few minutes, tell the server this kiosk is alive, how many answers wait in its offline
   outbox (offline.js keeps them in localStorage "survey-outbox") and how many kept answers the server refused for
   good (offline.js counts them in "survey-refused", e.g. answers that arrived after their survey closed); a
   refusal is reported at once ("survey:refused"). The device id is random, made here
   once and kept in this browser's localStorage; nothing about a respondent is sent. Loaded on kiosk pages only,
   by a <script data-heartbeat="<url>"> tag. */
(function () {
  "use strict";
  var tag = document.querySelector("script[data-heartbeat]");
  var url = tag && tag.getAttribute("data-heartbeat");
  if (!url || !window.fetch) { return; }
  var EVERY_MS = 5 * 60 * 1000;

  function deviceId() {
    var id = null;
    try { id = window.localStorage.getItem("kiosk-device"); } catch (e) { return null; }
    if (!id) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.localStorage.setItem("kiosk-device", id); } catch (e) { return null; }
    }
    return id;
  }

  function unsent() {
    try { return JSON.parse(window.localStorage.getItem("survey-outbox") || "[]").length; } catch (e) { return 0; }
  }

  function refused() {
    try {
      var count = parseInt(window.localStorage.getItem("survey-refused") || "0", 10);
      return count >= 0 ? count : 0;
    } catch (e) { return 0; }
  }

  function beat() {
    var id = deviceId();
    if (!id) { return; }
    window.fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify({device: id, unsent: unsent(), refused: refused()})}).catch(function () {});
  }

  beat();
  window.setInterval(beat, EVERY_MS);
  var soon = null;  // several refusals in one go (a whole outbox) make one report
  document.addEventListener("survey:refused", function () {
    window.clearTimeout(soon);
    soon = window.setTimeout(beat, 1000);
  });
})();
