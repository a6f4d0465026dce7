"""Spoken prompts in Chromium: a speaker button plays the prompt, and a kiosk set to speak reads each question.

The prompts are made here with espeak-ng's Vietnamese voice (as `flask translations speak` makes them) into the
live application's own copy of the translations, for the first screens only (a second each).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest

from questionnaires import answers as rules
from survey_app.i18n import catalogs
from survey_app.prompts import forget_listings, prompt_key
from survey_app.questionnaire_registry import get as get_questionnaire
from survey_app.speech import speak_missing
from tests.browser.conftest import Live, translated
from tests.conftest import require

pytestmark = pytest.mark.browser

PLAYER = "audio[data-prompt-player]"
#: The page's prompt player has played more than 0.2 s of a file whose address contains ``key``.
PLAYING = """key => { const a = document.querySelector('audio[data-prompt-player]');
  return !!a && a.currentSrc.includes(key) && a.currentTime > 0.2; }"""
PLAYED = """() => { const a = document.querySelector('audio[data-prompt-player]');
  return a ? {played: +a.dataset.played, time: a.currentTime, preload: a.preload, src: a.currentSrc} : null; }"""


def _speak_first_items(live: Live, count: int) -> list[str]:
    """Synthesise the Vietnamese prompts of the first ``count`` items of one_stop (question and answers)."""
    import shutil

    require(shutil.which("espeak-ng") is not None and shutil.which("opusenc") is not None,
            "espeak-ng and opus-tools are needed (apt-get install espeak-ng opus-tools)")
    with live.app.app_context():
        items = get_questionnaire("one_stop").items[:count]
        texts = [text for item in items for text in (item.text, *(label for _, label in rules.choices(item)))]
        speak_missing(catalogs(), "vi", texts)
        forget_listings()
        return texts


def test_a_speaker_button_plays_the_question_and_a_speaking_kiosk_reads_each_new_one(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    texts = _speak_first_items(live, 2)
    token = live.open_link(channel="kiosk")
    page = new_page(has_touch=True)
    audio_requests: list[str] = []
    page.on("request", lambda request: audio_requests.append(request.url) if "/audio/" in request.url else None)
    page.goto(f"{live.url}/k/{token}?speak=auto")  # the kiosk's setting, kept in its browser
    page.get_by_role("link", name="Tiếng Việt").tap()
    page.wait_for_url("**/questions?*")
    page.wait_for_load_state("networkidle")
    listen = page.locator(".question:not(.step-off) [data-audio]")
    assert listen.inner_text().strip() == translated("Listen")
    # The button reads the question, then each answer: the playlist names their files in that order.
    playlist = listen.get_attribute("data-audio").split(" ")
    keys = [url.split("/")[-1].split(".")[0] for url in playlist]
    assert keys == [prompt_key(text) for text in texts[:len(playlist)]]

    listen.tap()
    page.wait_for_function(PLAYING, arg="")
    state = page.evaluate(PLAYED)
    assert state["played"] >= 1 and state["preload"] == "none" and f"/audio/vi/{prompt_key(texts[0])}" in state["src"]
    shoot(page, "listening")

    # The speaking kiosk reads the next question by itself as it appears.
    page.locator(".question:not(.step-off) .choices label").first.tap()
    page.locator("[data-step-next]").tap()
    second = get_questionnaire_text(live, 1)
    page.wait_for_function(PLAYING, arg=prompt_key(second))
    # The third question has no prompt: no button, and nothing else was fetched before being asked for.
    assert all("/audio/vi/" in url for url in audio_requests)
    response = page.request.get(live.url + playlist[0])
    assert response.headers["content-type"] == "audio/ogg"
    assert "immutable" in response.headers["cache-control"] and "content-encoding" not in response.headers
    assert response.body()[:4] == b"OggS"


def get_questionnaire_text(live: Live, index: int) -> str:
    with live.app.app_context():
        return get_questionnaire("one_stop").items[index].text


def test_no_prompt_is_downloaded_until_played(live: Live, new_page: Callable[..., Any]) -> None:
    _speak_first_items(live, 1)
    token = live.open_link(channel="kiosk")
    page = new_page()
    audio_requests: list[str] = []
    page.on("request", lambda request: audio_requests.append(request.url) if "/audio/" in request.url else None)
    page.goto(f"{live.url}/k/{token}/questions?lang=vi")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-audio]").count() >= 1
    assert audio_requests == []


def test_a_new_language_from_an_empty_folder_to_a_kiosk_that_speaks_a_recording_made_in_the_browser(
        live: Live, new_page: Callable[..., Any], shoot: Callable[[Any, str], None]) -> None:
    """The local speaker's path (README, "Adding a spoken language"): `flask translations init`, the texts
    translated (here a made-up test language, "tst", written by this test only), a prompt recorded on the staff
    page with the microphone (Chromium's fake device: a beep), then a kiosk that offers the language and plays it.
    """
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    from babel.messages.pofile import read_po, write_po

    from survey_app.demo import DEMO_PASSWORDS

    runner = live.app.test_cli_runner()
    result = runner.invoke(args=["translations", "init", "tst", "--name", "Tiếng Thử", "--english-name", "Test"])
    assert result.exit_code == 0, result.output
    with live.app.app_context():
        questionnaire = get_questionnaire("one_stop")
        store = catalogs()
        first = questionnaire.items[0].text
    po = store.po_path("tst")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for text in questionnaire.texts():  # every text of the questionnaire: the kiosk then offers the language
        catalog[text].string = f"«{text}»"
    with po.open("wb") as out:
        write_po(out, catalog)

    page = new_page(has_touch=True)
    page.goto(f"{live.url}/login")
    page.fill("input[name=email]", "admin@demo.local")
    page.fill("input[name=password]", DEMO_PASSWORDS["admin@demo.local"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live.url}/admin/recordings/tst/one_stop")
    row = page.locator(".recording", has=page.get_by_text(f"«{first}»", exact=True))
    record = row.locator("[data-record-button]")
    assert not row.locator("[data-save]").is_visible()  # nothing to save before a take
    record.click()
    status = row.locator("[data-status]")
    status.filter(has_text=translated("Recording… press Stop when you have finished reading.")).wait_for()
    page.wait_for_timeout(1500)
    record.click()  # Stop
    row.locator("[data-save]").click()
    status.filter(has_text=translated("Saved. The kiosk plays this recording from now on.")).wait_for()
    shoot(page, "recorded")
    saved = sorted(path.name for path in (store.root / "tst" / "audio").iterdir())
    # Chromium records WebM/Opus; the server stores it as Ogg/Opus (ffmpeg copies the packets across).
    assert saved == [f"{prompt_key(first)}.ogg"]

    token = live.open_link(channel="kiosk")
    kiosk = new_page(has_touch=True)
    kiosk.goto(f"{live.url}/k/{token}")
    kiosk.get_by_role("link", name="Tiếng Thử").tap()
    kiosk.wait_for_url("**/questions?*")
    assert kiosk.locator("html").get_attribute("lang") == "tst"
    listen = kiosk.locator(".question:not(.step-off) [data-audio]")
    assert f"/audio/tst/{prompt_key(first)}.ogg" in listen.get_attribute("data-audio")
    listen.tap()
    kiosk.wait_for_function(PLAYING, arg=f"/audio/tst/{prompt_key(first)}.ogg")
    shoot(kiosk, "kiosk-speaks")
