/* Offline-tolerant sending of survey answers (progressive enhancement: without JavaScript the form posts as usual).
   - The survey form is sent with fetch(). When the server answers with its redirect to the thank-you page, the
     page goes there; when it answers with a page (answers to fix, a closed campaign), that page's content is
     put in place of this one's and kiosk.js is told ("survey:page"): the answers are posted once, never again
     as an ordinary form.
   - When the network fails (or the server fails with a 5xx), the answers are kept in this browser's
     localStorage ("survey-outbox"), the form is cleared and hidden, and the page says they will be sent. They
     are resent when the browser comes back online, every RETRY_MS, and on every survey page that loads.
   - The hidden submission_id travels with the answers, so a resend of answers the server already stored is
     acknowledged without storing them twice.
   - A 400 means the page was stale: its CSRF token expired (answers kept overnight on a kiosk outlive it) or its
     submission id was lost. The form page the server sends back with the 400 carries a fresh token; the answers
     are sent once more with it (same submission id), and kept for a later try if that fails too.
   - A kept submission that the server refuses with another 4xx (e.g. it arrived after its campaign closed, with no
     grace period left) can never be accepted. It leaves the outbox, but not silently: the number of answers refused
     so is kept in localStorage ("survey-refused", a count and nothing of the answers), which kiosk-heartbeat.js
     reports so that the campaign page shows it, and "survey:refused" is dispatched so the report goes at once. If
     the page that kept the answers is still on screen (the person may still be there), the server's page — its
     message — takes its place. Messages come translated from the data-* attributes of this script's <script> tag.
   Works together with kiosk.js, which disables the Send button after one press and handles the idle reset. */
(function () {
  "use strict";
  var KEY = "survey-outbox";
  var REFUSED = "survey-refused";
  var RETRY_MS = 5000;
  var doc = document;
  var script = doc.currentScript;
  var timer = null;
  var busy = false;
  var keptHere = null;  // the body of the submission kept by this page, if any

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function store(list) {
    try {
      if (list.length) { window.localStorage.setItem(KEY, JSON.stringify(list)); }
      else { window.localStorage.removeItem(KEY); }
      return true;
    } catch (e) { return false; }
  }

  function thanksUrl(action) {
    return action.replace(/[?#].*$/, "").replace(/\/questions$/, "") + "/thanks";
  }

  /* Resolves "sent" (stored now or before) or the server's page (a 4xx other than 400 and 429: never acceptable as
     it is); rejects when it is worth trying again later (no network, 429, 5xx, a 400 even with a fresh token). */
  function post(entry, body) {
    return window.fetch(entry.action, {
      method: "POST", body: body || entry.body, credentials: "same-origin", redirect: "manual", cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      if (response.type === "opaqueredirect") { return "sent"; }
      if (response.status === 429 || response.status >= 500) { throw new Error("retry later"); }
      if (response.status !== 400) { return response.text(); }
      if (body) { throw new Error("stale again: retry later"); }
      return response.text().then(function (html) { return post(entry, withFreshToken(entry.body, html)); });
    });
  }

  /* The answers with the CSRF token and submission id of the form page the server sent back (the id is the one
     sent, unless that was lost; DOMParser runs no script). */
  function withFreshToken(body, html) {
    var page = new window.DOMParser().parseFromString(html, "text/html");
    var params = new URLSearchParams(body);
    ["csrf_token", "submission_id"].forEach(function (name) {
      var field = page.querySelector("input[name=" + name + "]");
      if (!field || !field.value) { throw new Error("no " + name + " to retry with"); }
      params.set(name, field.value);
    });
    return params.toString();
  }

  /* The server's page in place of this one: its <main> and title (same layout, same scripts). */
  function showPage(html) {
    var fresh = new window.DOMParser().parseFromString(html, "text/html");
    var main = fresh.getElementById("main");
    var here = doc.getElementById("main");
    if (!main || !here) { return false; }
    doc.title = fresh.title;
    here.parentNode.replaceChild(doc.adoptNode(main), here);
    window.scrollTo(0, 0);
    doc.dispatchEvent(new window.CustomEvent("survey:page"));
    return true;
  }

  function forget(entry) {
    store(load().filter(function (kept) { return kept.body !== entry.body; }));
  }

  /* One more kept answer the server will never accept: counted (for the kiosk's health), never kept. */
  function countRefused() {
    try {
      var count = parseInt(window.localStorage.getItem(REFUSED) || "0", 10);
      window.localStorage.setItem(REFUSED, String((count >= 0 ? count : 0) + 1));
    } catch (e) { /* no storage: nothing to report with either */ }
    doc.dispatchEvent(new window.CustomEvent("survey:refused"));
  }

  function schedule() {
    window.clearTimeout(timer);
    if (load().length) { timer = window.setTimeout(flush, RETRY_MS); }
  }

  function flush() {
    var list = load();
    if (busy || !list.length) { return; }
    busy = true;
    var entry = list[0];
    post(entry).then(function (result) {
      busy = false;
      forget(entry);
      var here = entry.body === keptHere;
      if (result !== "sent") { countRefused(); }
      if (here) {
        keptHere = null;
        if (result === "sent") { window.location.replace(entry.thanks); return; }
        showPage(result);
      }
      flush();
    }, function () {
      busy = false;
      schedule();
    });
  }

  function showKept(form) {
    var note = doc.createElement("p");
    note.className = "flash";
    note.setAttribute("role", "status");
    note.setAttribute("tabindex", "-1");
    note.setAttribute("data-offline-saved", "");
    note.textContent = script.getAttribute("data-saved");
    form.reset();  // the next person must not see these answers
    form.hidden = true;
    var summary = doc.querySelector(".error-summary");
    if (summary) { summary.hidden = true; }
    form.parentNode.insertBefore(note, form);
    note.focus();
  }

  function keep(form, entry) {
    var list = load().filter(function (kept) { return kept.body !== entry.body; });
    list.push(entry);
    if (!store(list)) { form.submit(); return; }  // no storage (private mode, full): let the browser try
    keptHere = entry.body;
    showKept(form);
    schedule();
  }

  if (window.fetch && window.URLSearchParams && window.FormData && window.DOMParser) {
    // On the document, so that it holds for a form put in place by showPage and after kiosk.js's listener,
    // which prevents sending while a one-question-per-screen form still needs an answer.
    doc.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.hasAttribute("data-survey") || event.defaultPrevented) { return; }
      event.preventDefault();
      var entry = { action: form.action, body: new URLSearchParams(new FormData(form)).toString(),
                    thanks: thanksUrl(form.action), kept: Date.now() };
      post(entry).then(function (result) {
        if (result === "sent") { window.location.replace(entry.thanks); }
        else if (!showPage(result)) { form.submit(); }
      }, function () { keep(form, entry); });
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
