/* Progressive enhancement of the survey pages; every page works without this file.
   - skip logic: questions with data-show-if="<field name>" data-show-if-values="<codes>" are shown only
     while one of those codes is chosen in that field (the server applies the same rule anyway);
   - one question per screen on form[data-steps] (see makeStepper), with Back, Next and a progress count;
   - the Send button is disabled after one press (the server also stores a submission id only once);
   - a page restored from the back/forward cache is reloaded, so nobody sees a previous respondent's page;
   - kiosk: after data-idle-seconds without a touch, "Are you still there?" counts down, then back to start;
   - spoken prompts: [data-audio] buttons, and a kiosk that speaks each question by itself (see speak());
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

  /* One question per screen (form[data-steps]: always on a kiosk, on request by QR). The whole form is on the
     page, as without JavaScript; this only shows one .question at a time, so every answer stays in the form as
     the person moves on and is sent once, with the rest, by the Send button on the last screen. The steps are
     the questions skip logic leaves visible, counted again after every answer. */
  function makeStepper(form) {
    var nav = form.querySelector("[data-step-nav]");
    var status = form.querySelector("[data-step-status]");
    if (!nav || !status) { return null; }
    var count = status.querySelector("[data-step-count]");
    var bar = status.querySelector("[data-step-progress]");
    var back = nav.querySelector("[data-step-back]");
    var next = nav.querySelector("[data-step-next]");
    var send = form.querySelector("[data-send]");
    var current = null;

    function steps() {
      return Array.prototype.filter.call(form.querySelectorAll(".question"), function (q) { return !q.hidden; });
    }

    function answered(q) {
      var inputs = q.querySelectorAll("input, textarea");
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        if (input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim() !== "") {
          return true;
        }
      }
      return false;
    }

    function missing(q) { return q.hasAttribute("data-required") && !answered(q); }

    /* The same message the server would give, next to the question, read out at once. */
    function flag(q) {
      var id = q.id.replace(/^item-/, "q_") + "-error";
      var message = doc.getElementById(id);
      if (!message) {
        message = doc.createElement("p");
        message.className = "error-message";
        message.id = id;
        var anchor = q.querySelector(".choices, input[type=text], textarea");
        anchor.parentNode.insertBefore(message, anchor);
        var described = q.querySelector("[aria-describedby], fieldset, input[type=text], textarea");
        var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        ids.push(id);
        described.setAttribute("aria-describedby", ids.join(" "));
      }
      message.setAttribute("role", "alert");
      message.textContent = q.getAttribute("data-required");
      q.classList.add("has-error");
    }

    function show(question, focus) {
      var list = steps();
      if (list.indexOf(question) < 0) { question = list[0]; }
      current = question;
      Array.prototype.forEach.call(form.querySelectorAll(".question"), function (q) {
        q.classList.toggle("step-off", q !== question);
      });
      Array.prototype.forEach.call(form.querySelectorAll("section"), function (section) {
        section.classList.toggle("step-off", !section.contains(question));
      });
      var index = list.indexOf(question);
      count.textContent = count.getAttribute("data-template").replace("{number}", String(index + 1))
        .replace("{total}", String(list.length));
      bar.max = list.length;
      bar.value = index + 1;
      back.hidden = index === 0;
      doc.body.classList.toggle("step-later", index > 0);  // the questionnaire's introduction: first screen only
      next.hidden = index === list.length - 1;
      send.hidden = !next.hidden;
      if (focus) {
        question.setAttribute("tabindex", "-1");
        question.focus();
        window.scrollTo(0, 0);
      }
      doc.dispatchEvent(new CustomEvent("survey:step", { detail: question }));
    }

    function move(by) {
      var list = steps();
      var target = list[list.indexOf(current) + by];
      if (target) { show(target, true); }
    }

    next.addEventListener("click", function () {
      if (missing(current)) { flag(current); return; }
      move(1);
    });
    back.addEventListener("click", function () { move(-1); });

    form.classList.add("stepping");
    nav.hidden = false;
    status.hidden = false;
    var firstError = steps().filter(function (q) { return q.classList.contains("has-error"); })[0];
    show(firstError || steps()[0], false);

    return {
      show: show,
      /* After an answer: the total may have changed (skip logic); a message goes once the question is answered. */
      changed: function () {
        if (current.classList.contains("has-error") && answered(current)) {
          current.classList.remove("has-error");
          var message = doc.getElementById(current.id.replace(/^item-/, "q_") + "-error");
          if (message) { message.textContent = ""; }
        }
        show(current, false);
      },
      /* Whether the form may be sent now; if not, the screen that needs an answer is shown instead. */
      ready: function () {
        var list = steps();
        if (current !== list[list.length - 1]) { next.click(); return false; }  // Enter in a text field
        var gap = list.filter(missing)[0];
        if (!gap) { return true; }
        show(gap, true);
        flag(gap);
        return false;
      }
    };
  }

  /* Spoken prompts: a [data-audio] button plays its space-separated files one after another through a single
     <audio preload="none"> made on first use, so no prompt is downloaded before someone asks for it. A kiosk
     set to speak (its start address opened once with ?speak=auto, undone with ?speak=off; kept in this
     browser, a setting of the device, not of a respondent) plays each question as it appears, and the
     thank-you text. The element is left in the page (data-prompt-player) and counts what it played. */
  var SPEAK_KEY = "kiosk-speak";
  var player = null;
  var playlist = [];

  function playNext() {
    var src = playlist.shift();
    if (!src) { return; }
    player.src = src;
    var started = player.play();
    if (started && started.catch) { started.catch(function () { playlist = []; }); }  // autoplay refused
  }

  function speak(button) {
    if (!player) {
      player = doc.createElement("audio");
      player.preload = "none";
      player.hidden = true;
      player.setAttribute("data-prompt-player", "");
      player.setAttribute("data-played", "0");
      player.addEventListener("ended", playNext);
      player.addEventListener("playing", function () {
        player.setAttribute("data-played", String(parseInt(player.getAttribute("data-played"), 10) + 1));
      });
      doc.body.appendChild(player);
    }
    player.pause();
    playlist = button.getAttribute("data-audio").split(" ").filter(Boolean);
    playNext();
  }

  function speaksByItself() {
    try {
      var asked = new URLSearchParams(window.location.search).get("speak");
      if (asked === "auto") { window.localStorage.setItem(SPEAK_KEY, "auto"); }
      if (asked === "off") { window.localStorage.removeItem(SPEAK_KEY); }
      return window.localStorage.getItem(SPEAK_KEY) === "auto";
    } catch (e) { return false; }
  }

  var autoSpeak = doc.body.classList.contains("kiosk") && speaksByItself();
  doc.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-audio]");
    if (button) { speak(button); }
  });
  doc.addEventListener("survey:step", function (event) {
    var button = autoSpeak && event.detail.querySelector("[data-audio]");
    if (button) { speak(button); }
  });
  if (autoSpeak && doc.querySelector("[data-return-after]") && doc.querySelector("[data-audio]")) {
    speak(doc.querySelector("[data-audio]"));  // the thank-you page
  }

  var stepper = null;

  /* Everything tied to the page's content: run on load, and again when offline.js puts the server's answer
     (e.g. answers to check) in place of the page ("survey:page"). */
  function setupPage() {
    var form = doc.querySelector("form[data-survey]");
    stepper = null;
    if (form) {
      applySkipLogic();
      if (form.hasAttribute("data-steps")) { stepper = makeStepper(form); }
    }
    var summary = doc.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
  }

  doc.addEventListener("change", function (event) {
    if (!event.target.form || !event.target.form.hasAttribute("data-survey")) { return; }
    applySkipLogic();
    if (stepper) { stepper.changed(); }
  });
  doc.addEventListener("click", function (event) {  // error summary link: to that question's screen
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var target = link && doc.getElementById(link.getAttribute("href").slice(1));
    if (!stepper || !target || !target.closest(".question")) { return; }
    event.preventDefault();
    stepper.show(target.closest(".question"), true);
  });
  // Registered before offline.js's listener (scripts run in order), which leaves a prevented submission alone.
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-survey")) { return; }
    if (stepper && !stepper.ready()) { event.preventDefault(); return; }
    var send = form.querySelector("[data-send]");
    if (send) { window.setTimeout(function () { send.disabled = true; }, 0); }
  });
  doc.addEventListener("survey:page", setupPage);
  setupPage();

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

  if (!doc.getElementById("idle")) { return; }
  // Looked up at each use: offline.js may have put a fresh copy of the page's content in place.
  function idleBox() { return doc.getElementById("idle"); }
  var idleMs = 1000 * parseInt(idleBox().getAttribute("data-idle-seconds"), 10);
  var countdownFrom = parseInt(idleBox().getAttribute("data-idle-countdown"), 10);
  var startUrl = idleBox().getAttribute("data-start-url");
  var idleTimer = null;
  var tick = null;

  function wake() {
    window.clearTimeout(idleTimer);
    window.clearInterval(tick);
    var idle = idleBox();
    if (idle) { idle.hidden = true; }
    idleTimer = window.setTimeout(warn, idleMs);
  }

  function warn() {
    var idle = idleBox();
    if (!idle) { return; }
    var counter = idle.querySelector("[data-countdown]");
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
