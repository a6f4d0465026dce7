"""Spoken prompts: an Opus/Ogg file per text and language, beside the translations, played by a speaker button.

Many people at a commune office cannot read comfortably, so every question, answer, start and thank-you text can
be heard. A prompt is keyed by the text's message id (the English source, as in the ``.po`` files), so a recording
stays valid when a questionnaire is reordered:

``translations/<code>/audio/<key>.ogg``            recorded by a speaker of the language (admin/recordings.py;
                                                   Chromium's WebM/Opus is remuxed to Ogg by ffmpeg; ``<key>.webm``
                                                   only where ffmpeg is missing, served as it is: every browser a
                                                   kiosk runs plays WebM/Opus)
``translations/<code>/audio/<key>.synthetic.ogg``  made by ``flask translations speak`` (espeak-ng)

where ``<key>`` is the first 16 hex digits of the SHA-256 of the message id. The two names keep what a person
recorded apart from what a machine made: a recording always wins, and the command never writes over one. A
language gets synthetic speech only when its ``language.yaml`` names an espeak-ng voice under
``speech_synthesis`` (only Vietnamese ships with one), i.e. when its speakers have accepted that voice.

Files are served by :func:`serve` with a long cache lifetime; their address carries the file's modification time,
so a new recording is fetched at once. Opus is already compressed, so it is sent as is, never gzipped, and the
page names it with ``preload="none"``: nothing is downloaded until someone presses the button.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory, url_for
from werkzeug.wrappers import Response

from questionnaires import answers as rules
from questionnaires.model import Questionnaire

from . import i18n
from .catalog import FALLBACK_LANGUAGE, SOURCE_LANGUAGE

AUDIO_FOLDER = "audio"
RECORDED = ".ogg"
RECORDED_WEBM = ".webm"
SYNTHETIC = ".synthetic.ogg"
MIMETYPES = {RECORDED: "audio/ogg", RECORDED_WEBM: "audio/webm"}
#: How long a browser may keep a prompt: its address changes when the file does.
CACHE_SECONDS = 365 * 24 * 3600
RECHECK_SECONDS = 2.0

#: The texts of the kiosk's start and thank-you screens that are spoken (their templates show the same msgids; a
#: test holds them equal).
START_TEXTS = ("Please tell us how satisfied you are with our service today. It takes about three minutes, and "
               "your answers are anonymous.",)
THANKS_TEXTS = ("Thank you", "This screen goes back to the start for the next person in a few seconds.")

bp = Blueprint("prompts", __name__)


def prompt_key(text: str) -> str:
    """The file name stem of a text's prompt (stable across questionnaire edits that keep the text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Prompt:
    """One audio file of one language: which file, whether a machine made it, and its version for the URL."""

    code: str
    filename: str
    synthetic: bool
    version: int


def audio_folder(code: str) -> Path:
    return i18n.catalogs().root / code / AUDIO_FOLDER


_LISTINGS: dict[Path, tuple[float, dict[str, Prompt]]] = {}


def prompts_of(code: str) -> dict[str, Prompt]:
    """``{key: Prompt}`` of a language's audio folder, a recording preferred; re-read at most every 2 s."""
    return listing(audio_folder(code), code)


def listing(folder: Path, code: str) -> dict[str, Prompt]:
    """``{key: Prompt}`` of an audio folder (see :func:`prompts_of`)."""
    now = time.monotonic()
    cached = _LISTINGS.get(folder)
    if cached is not None and now - cached[0] < RECHECK_SECONDS:
        return cached[1]
    found: dict[str, Prompt] = {}
    if folder.is_dir():
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            synthetic = entry.name.endswith(SYNTHETIC)
            suffix = SYNTHETIC if synthetic else os.path.splitext(entry.name)[1]
            if not entry.is_file() or suffix not in (SYNTHETIC, *MIMETYPES) or entry.name.startswith("."):
                continue
            key = entry.name.removesuffix(suffix)
            if synthetic and key in found:
                continue
            found[key] = Prompt(code, entry.name, synthetic, entry.stat().st_mtime_ns // 1_000_000)
    _LISTINGS[folder] = (now, found)
    return found


def forget_listings() -> None:
    """Drop the cached folder listings (after writing a file, so this process sees it at once)."""
    _LISTINGS.clear()


def find(text: str, code: str | None = None) -> Prompt | None:
    """The prompt to play for ``text`` in ``code`` (default: the page's language).

    A language other than Vietnamese and English shows the Vietnamese text where it has no translation yet (see
    catalog.py); it then plays the Vietnamese prompt too, so what is heard matches what is read.
    """
    code = code or i18n.current_language()
    prompt = prompts_of(code).get(prompt_key(text))
    if prompt is None and code not in (FALLBACK_LANGUAGE, SOURCE_LANGUAGE) \
            and text not in i18n.catalogs().translated(code):
        prompt = prompts_of(FALLBACK_LANGUAGE).get(prompt_key(text))
    return prompt


def url(prompt: Prompt) -> str:
    return url_for("prompts.serve", code=prompt.code, filename=prompt.filename, v=prompt.version)


def urls(texts: Iterable[str]) -> str:
    """Space-separated addresses of the prompts of ``texts`` that exist, in order ("" when none): a playlist."""
    found = (find(text) for text in texts if text)
    return " ".join(url(prompt) for prompt in found if prompt is not None)


def spoken_texts(questionnaire: Questionnaire) -> Iterator[str]:
    """Every text of a kiosk visit that can be heard, once each: start, questions with answers, thank-you."""
    seen: set[str] = set()
    for text in (*START_TEXTS, *_questionnaire_texts(questionnaire), *THANKS_TEXTS):
        if text and text not in seen:
            seen.add(text)
            yield text


def _questionnaire_texts(questionnaire: Questionnaire) -> Iterator[str]:
    for item in questionnaire.items:
        yield item.text
        yield from (label for _, label in rules.choices(item))


@bp.get("/audio/<code>/<filename>")
def serve(code: str, filename: str) -> Response:
    """A prompt file: Ogg/Opus, cached for a year (the address names its version), never compressed again."""
    mimetype = MIMETYPES.get(os.path.splitext(filename)[1])
    if code not in i18n.catalogs().code_tuple() or mimetype is None:
        abort(404)
    response = send_from_directory(audio_folder(code), filename, mimetype=mimetype, max_age=CACHE_SECONDS,
                                   conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}, immutable"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(prompt_urls=lambda *texts: urls(texts) if _has_prompts() else "",
                                 spoken_start=START_TEXTS, spoken_thanks=THANKS_TEXTS)


def _has_prompts() -> bool:
    """Whether any prompt exists in the page's language (or its fallback): no button where nothing can play."""
    code = i18n.current_language()
    return bool(prompts_of(code) or (code not in (FALLBACK_LANGUAGE, SOURCE_LANGUAGE)
                                     and prompts_of(FALLBACK_LANGUAGE)))


