"""Recording the spoken prompts of a language in the browser, by a speaker of it.

A province administrator may record any language; a ``translator`` account only its own (a local Tày, Nùng, Dao
or H'Mông speaker needs no access to any answer). The page lists every text a kiosk visit can speak (see
prompts.spoken_texts) with what it says in the language, the prompt it has now, and Record / Save buttons
(static/js/recorder.js: MediaRecorder, played back before saving, recorded again at will).

An upload is checked before it is kept: at most :data:`MAX_BYTES`, and Opus audio in an Ogg or a WebM container
(what Firefox and Chromium's MediaRecorder write). WebM (Chromium's only choice) is remuxed to Ogg by Debian's
``ffmpeg`` without re-encoding (:func:`webm_to_ogg`: the Opus packets are copied, so no quality is lost), as the
prompts are meant to be Opus in Ogg; where ffmpeg is missing or fails, the WebM is kept as it came (every target
browser plays it) and a log line says so. It is stored as ``<key>.ogg`` or ``<key>.webm`` and replaces any
synthetic prompt of that text (prompts.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import abort, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as HttpResponse

from .. import i18n, prompts
from ..catalog import Language
from ..platform.security import CSP
from ..questionnaire_registry import registry
from .routes import bp

#: A prompt is a sentence or two. recorder.js asks for 48 kbit/s, so this is 80 s; it stays under the
#: application's MAX_CONTENT_LENGTH (512 KB) with room for the form's framing.
MAX_BYTES = 480 * 1024
#: A remux of a one-minute take takes milliseconds; past this, ffmpeg is stuck and the WebM is kept.
REMUX_SECONDS = 20
log = logging.getLogger(__name__)
#: The recording page needs the microphone (denied everywhere else) and plays back the take from a blob: URL.
PAGE_HEADERS = {
    "Permissions-Policy": "camera=(), microphone=(self), geolocation=()",
    "Content-Security-Policy": CSP.replace("default-src 'self';", "default-src 'self'; media-src 'self' blob:;"),
}


def recording_format(data: bytes) -> str | None:
    """``".ogg"`` or ``".webm"`` when ``data`` is Opus audio in that container, else ``None``.

    Ogg: the first page starts with ``OggS`` and carries the ``OpusHead`` identification header (RFC 7845 §5.1).
    WebM: the EBML magic ``1A 45 DF A3`` and, in the track header, the codec id ``A_OPUS``.
    """
    if data.startswith(b"OggS") and b"OpusHead" in data[:128]:
        return prompts.RECORDED
    if data.startswith(b"\x1a\x45\xdf\xa3") and b"A_OPUS" in data[:4096]:
        return prompts.RECORDED_WEBM
    return None


def _languages() -> list[Language]:
    return [language for language in i18n.catalogs().languages() if current_user.can_record(language.code)]


def _allowed(code: str) -> None:
    """404 for a language that does not exist, 403 for one this account may not record."""
    if code not in i18n.catalogs().code_tuple():
        abort(404)
    if not current_user.can_record(code):
        abort(403)


@bp.get("/recordings/")
@login_required
def recordings() -> str:
    """The languages this account records, each with its questionnaires and how many prompts are recorded."""
    languages = _languages()
    if not languages:
        abort(403)
    questionnaires = sorted(registry().values(), key=lambda q: q.id)
    counts = {}
    for language in languages:
        found = prompts.prompts_of(language.code)
        for questionnaire in questionnaires:
            keys = {prompts.prompt_key(text) for text in prompts.spoken_texts(questionnaire)}
            counts[language.code, questionnaire.id] = (
                sum(1 for key in keys if key in found and not found[key].synthetic), len(keys))
    return render_template("admin/recordings.html", languages=languages, questionnaires=questionnaires,
                           counts=counts)


@bp.get("/recordings/<code>/<questionnaire_id>")
@login_required
def record(code: str, questionnaire_id: str) -> HttpResponse:
    """Every spoken text of a questionnaire in language ``code``, with its prompt and a recorder."""
    _allowed(code)
    questionnaire = registry().get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    translations = i18n.catalogs().translations(code)
    found = prompts.prompts_of(code)
    rows = []
    for text in prompts.spoken_texts(questionnaire):
        key = prompts.prompt_key(text)
        prompt = found.get(key)
        rows.append({"key": key, "source": text, "text": translations.ugettext(text), "prompt": prompt,
                     "url": prompts.url(prompt) if prompt else None,
                     "upload": url_for("admin.save_recording", code=code, key=key)})
    language = i18n.catalogs().language(code)
    response = make_response(render_template("admin/record.html", language=language, questionnaire=questionnaire,
                                             rows=rows, max_bytes=MAX_BYTES))
    response.headers.update(PAGE_HEADERS)
    return response


@bp.post("/recordings/<code>/<key>")
@login_required
def save_recording(code: str, key: str) -> tuple[HttpResponse, int]:
    """Keep an uploaded recording (the CSRF token comes in the X-CSRFToken header, checked by Flask-WTF)."""
    _allowed(code)
    keys = {prompts.prompt_key(text) for q in registry().values() for text in prompts.spoken_texts(q)}
    if key not in keys:
        abort(404)
    upload = request.files.get("audio")
    if upload is None:
        return jsonify(error=_("No recording was sent. Record the text, then press Save.")), 400
    try:
        data = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()
    if len(data) > MAX_BYTES:
        return jsonify(error=_("This recording is too long. Keep it under one minute and record it again.")), 413
    suffix = recording_format(data)
    if suffix is None:
        return jsonify(error=_("This file is not Opus audio in Ogg or WebM. Record it again in this page.")), 415
    if suffix == prompts.RECORDED_WEBM and (ogg := webm_to_ogg(data)) is not None:
        suffix, data = prompts.RECORDED, ogg
    _keep(prompts.audio_folder(code), key, suffix, data)
    prompt = prompts.prompts_of(code)[key]
    return jsonify(url=prompts.url(prompt), message=_("Saved. The kiosk plays this recording from now on.")), 201


def webm_to_ogg(data: bytes) -> bytes | None:
    """The Opus stream of a WebM recording in an Ogg container, copied as it is; ``None`` (and a log line) when
    ffmpeg is not installed or cannot read the file, so that the caller keeps the WebM."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        log.warning("ffmpeg is not installed: recording kept as WebM/Opus (apt-get install ffmpeg to store Ogg)")
        return None
    with tempfile.TemporaryDirectory(prefix="recording-") as work:
        webm, ogg = Path(work) / "in.webm", Path(work) / "out.ogg"
        webm.write_bytes(data)
        try:
            subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-i", str(webm), "-map", "0:a:0", "-c:a", "copy",
                            str(ogg)], check=True, capture_output=True, timeout=REMUX_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            log.warning("ffmpeg could not remux a WebM recording to Ogg, kept as WebM: %s",
                        detail.decode("utf-8", "replace").strip()[:200] or error)
            return None
        result = ogg.read_bytes()
    return result if recording_format(result) == prompts.RECORDED else None


def _keep(folder: Path, key: str, suffix: str, data: bytes) -> None:
    """Write the recording atomically, then remove the other versions of that text (a recording replaces them)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}{suffix}"
    partial = folder / f".{key}{suffix}.part"
    partial.write_bytes(data)
    os.replace(partial, target)
    for other in (prompts.RECORDED, prompts.RECORDED_WEBM, prompts.SYNTHETIC):
        if other != suffix:
            (folder / f"{key}{other}").unlink(missing_ok=True)
    prompts.forget_listings()
