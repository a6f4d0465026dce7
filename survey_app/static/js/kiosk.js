/* Progressive enhancement of the survey pages; every page works without this file.
   - skip logic: questions with data-show-if="<field name>" data-show-if-values="<codes>" are shown only
     while one of those codes is chosen in that field (the server applies the same rule anyway);
   - the Send button is disabled after one press (the server also stores a submission id only once);
   - a page restored from the back/forward cache is reloaded, so nobody sees a previous respondent's page;
   - kiosk: after data-idle-seconds without a touch, "Are you still there?" counts down, then back to start;
   - kiosk thank-you page: back to the start after data-return-after seconds, counted again from each touch
     (without JavaScript a <noscript> meta refresh does it, which a person cannot extend). */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  function chosen(name) {
    var values = [];
    var inputs = doc.getElementsByName(name);
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) { values.push(inputs[i].value); }
    }
    return values;
  }

  function applySkipLogic() {
    var rules = doc.querySelectorAll("[data-show-if]");
    for (var i = 0; i < rules.length; i++) {  // document order: a rule's target is decided before it
      var el = rules[i];
      var name = el.getAttribute("data-show-if");
      var wanted = el.getAttribute("data-show-if-values").split(" ");
      var target = doc.getElementsByName(name)[0];
      var targetShown = target && !target.closest("[hidden]");
      el.hidden = !(targetShown && chosen(name).some(function (v) { return wanted.indexOf(v) >= 0; }));
    }
  }

  var form = doc.querySelector("form[data-survey]");
  if (form) {
    applySkipLogic();
    form.addEventListener("change", applySkipLogic);
    form.addEventListener("submit", function () {
      var send = form.querySelector("[data-send]");
      if (send) { window.setTimeout(function () { send.disabled = true; }, 0); }
    });
  }

  var summary = doc.querySelector("[data-focus]");
  if (summary) { summary.focus(); }

  var finish = doc.querySelector("[data-return-after]");
  if (finish) {
    var returnMs = 1000 * parseInt(finish.getAttribute("data-return-after"), 10);
    var returnTimer = null;
    var later = function () {
      window.clearTimeout(returnTimer);
      returnTimer = window.setTimeout(function () { window.location.replace(finish.href); }, returnMs);
    };
    ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
      doc.addEventListener(type, later, { passive: true, capture: true });
    });
    later();
  }

  var idle = doc.getElementById("idle");
  if (!idle) { return; }
  var idleMs = 1000 * parseInt(idle.getAttribute("data-idle-seconds"), 10);
  var countdownFrom = parseInt(idle.getAttribute("data-idle-countdown"), 10);
  var startUrl = idle.getAttribute("data-start-url");
  var counter = idle.querySelector("[data-countdown]");
  var idleTimer = null;
  var tick = null;

  function wake() {
    window.clearTimeout(idleTimer);
    window.clearInterval(tick);
    idle.hidden = true;
    idleTimer = window.setTimeout(warn, idleMs);
  }

  function warn() {
    var left = countdownFrom;
    counter.textContent = String(left);
    idle.hidden = false;
    idle.querySelector("[data-idle-continue]").focus();
    tick = window.setInterval(function () {
      left -= 1;
      counter.textContent = String(left);
      if (left <= 0) {
        window.clearInterval(tick);
        window.location.replace(startUrl);
      }
    }, 1000);
  }

  ["pointerdown", "keydown", "touchstart", "input", "scroll"].forEach(function (type) {
    doc.addEventListener(type, wake, { passive: true, capture: true });
  });
  wake();
})();
