/* The recording page (admin/record.html): record each text with MediaRecorder, listen, record again, save.
   One recorder at a time: pressing Record on another text stops the one running. The take is uploaded as
   multipart form data with the page's CSRF token in the X-CSRFToken header; the server checks it is Opus in Ogg
   or WebM (Firefox records Ogg, Chromium WebM) and answers with the address the kiosk will play. Messages come
   translated from the data-* attributes of the list. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var list = doc.querySelector("[data-recorder]");
  if (!list) { return; }
  var csrf = doc.getElementById("csrf").value;
  var say = function (name) { return list.getAttribute("data-" + name); };
  var stream = null;
  var running = null;  // {row, recorder}

  function status(row, text) { row.querySelector("[data-status]").textContent = text; }

  function microphone() {
    if (stream) { return Promise.resolve(stream); }
    if (!navigator.mediaDevices || !window.MediaRecorder) { return Promise.reject(new Error("unsupported")); }
    return navigator.mediaDevices.getUserMedia({ audio: true }).then(function (got) { stream = got; return got; });
  }

  function format() {
    var types = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }

  function stop() {
    if (running) { running.recorder.stop(); }
  }

  function start(row) {
    microphone().then(function (input) {
      var type = format();
      var options = { audioBitsPerSecond: 48000 };  // plenty for a voice; see MAX_BYTES in admin/recordings.py
      if (type) { options.mimeType = type; }
      var recorder = new window.MediaRecorder(input, options);
      var chunks = [];
      var button = row.querySelector("[data-record-button]");
      recorder.addEventListener("dataavailable", function (event) { if (event.data.size) { chunks.push(event.data); } });
      recorder.addEventListener("stop", function () {
        running = null;
        button.textContent = say("record");
        var take = new Blob(chunks, { type: recorder.mimeType || type });
        row.take = take;
        var player = row.querySelector("[data-take]");
        if (player.src) { URL.revokeObjectURL(player.src); }
        player.src = URL.createObjectURL(take);
        player.hidden = false;
        row.querySelector("[data-save]").hidden = false;
        status(row, say("ready"));
      });
      recorder.start();
      running = { row: row, recorder: recorder };
      button.textContent = say("stop");
      status(row, say("recording"));
    }, function () { status(row, say("no-microphone")); });
  }

  function save(row) {
    var body = new FormData();
    var name = row.take.type.indexOf("ogg") >= 0 ? "prompt.ogg" : "prompt.webm";
    body.append("audio", row.take, name);
    status(row, say("saving"));
    window.fetch(row.getAttribute("data-upload"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.error || say("failed")); }
        var current = row.querySelector("[data-current]");
        current.src = answer.url;
        current.hidden = false;
        row.querySelector("[data-save]").hidden = true;
        row.querySelector("[data-take]").hidden = true;
        row.querySelector("[data-state]").textContent = answer.message;
        status(row, answer.message);
      });
    }).catch(function (error) {
      status(row, error && error.message && error.message !== "Failed to fetch" ? error.message : say("failed"));
    });
  }

  list.addEventListener("click", function (event) {
    var row = event.target.closest(".recording");
    if (!row) { return; }
    if (event.target.closest("[data-record-button]")) {
      var again = running && running.row === row;
      stop();
      if (!again) { start(row); }
    } else if (event.target.closest("[data-save]") && row.take) {
      save(row);
    }
  });
})();
