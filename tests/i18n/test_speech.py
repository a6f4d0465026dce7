"""`flask translations speak`: synthetic prompts only for a language whose speakers approved a voice, never over a
recording; and the texts the kiosk speaks are the texts its pages show."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from questionnaires.model import Item, Option, Questionnaire, Section
from survey_app.prompts import START_TEXTS, THANKS_TEXTS, prompt_key
from survey_app.questionnaire_registry import EXTENSION_KEY
from tests.conftest import require
from tests.i18n.conftest import write_catalog

ROOT = Path(__file__).resolve().parents[2]
MINI = Questionnaire(id="mini", version=1, sector="one_stop", target=0.9, title="Mini survey", sections=(
    Section(id="s", title="Your visit", items=(
        Item(id="overall", type="single", text="How was it?", role="overall",
             options=(Option("good", "Good"), Option("bad", "Bad"))),)),))


def _app(make_app: Callable[[], Flask]) -> Flask:
    app = make_app()
    app.extensions[EXTENSION_KEY] = {"mini": MINI}
    return app


def test_the_spoken_start_and_thank_you_texts_are_those_the_pages_show() -> None:
    templates = ROOT / "survey_app" / "templates" / "survey"
    start = (templates / "start.html").read_text(encoding="utf-8")
    thanks = (templates / "thanks.html").read_text(encoding="utf-8")
    assert all(f'_("{text}")' in start for text in START_TEXTS)
    assert all(f'_("{text}")' in thanks for text in THANKS_TEXTS)


def test_speak_refuses_a_language_whose_speakers_approved_no_voice(translations_dir: Path,
                                                                   make_app: Callable[[], Flask]) -> None:
    write_catalog(translations_dir, "tyz", {"How was it?": "Pền lăng?"}, {"name": "Tày"})
    result = _app(make_app).test_cli_runner().invoke(args=["translations", "speak", "--language", "tyz"])
    assert result.exit_code == 1
    assert "tyz has no 'speech_synthesis' voice" in result.output
    assert not (translations_dir / "tyz" / "audio").exists()


def test_speak_fills_the_gaps_in_the_approved_voice_and_never_touches_a_recording(
        translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    require(shutil.which("espeak-ng") is not None and shutil.which("opusenc") is not None,
            "espeak-ng and opus-tools are needed (apt-get install espeak-ng opus-tools)")
    write_catalog(translations_dir, "vi", {"How was it?": "Ông/Bà thấy thế nào?", "Good": "Tốt", "Bad": ""},
                  {"name": "Tiếng Việt", "speech_synthesis": "vi"})
    audio = translations_dir / "vi" / "audio"
    audio.mkdir()
    recording = audio / f"{prompt_key('Good')}.ogg"
    recording.write_bytes(b"OggS recorded by a person")
    result = _app(make_app).test_cli_runner().invoke(args=["translations", "speak"])
    assert result.exit_code == 0, result.output
    assert "vi: 1 synthetic prompts written" in result.output  # "Bad" is untranslated: not spoken in English
    made = audio / f"{prompt_key('How was it?')}.synthetic.ogg"
    assert made.read_bytes()[:4] == b"OggS" and b"OpusHead" in made.read_bytes()[:200]
    assert recording.read_bytes() == b"OggS recorded by a person"
    assert not (audio / f"{prompt_key('Good')}.synthetic.ogg").exists()
    assert not (audio / f"{prompt_key('Bad')}.synthetic.ogg").exists()
    assert not (translations_dir / "en" / "audio").exists()  # English approved no voice


@pytest.mark.parametrize("name", ["../secret.ogg", "x.wav"])
def test_only_prompt_files_are_served(translations_dir: Path, make_app: Callable[[], Flask], name: str) -> None:
    assert _app(make_app).test_client().get(f"/audio/vi/{name}").status_code == 404
