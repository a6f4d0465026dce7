/* Kiosk heartbeat: every few minutes, tell the server this kiosk is alive and how many answers wait in its
   offline outbox (offline.js keeps them in localStorage "survey-outbox"). The device id is random, made here
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

  function beat() {
    var id = deviceId();
    if (!id) { return; }
    window.fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify({device: id, unsent: unsent()})}).catch(function () {});
  }

  beat();
  window.setInterval(beat, EVERY_MS);
})();
