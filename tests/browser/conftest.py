"""Real-browser fixtures: Debian's Chromium driven by Playwright, against the application on 127.0.0.1.

One browser for the folder (launching Chromium costs about a second); a fresh context (cookies, storage) per test.
The application runs in a thread of the test process on its own SQLite file, so a test can look in the database
while the browser works. Screenshots of every step go to ``test-artifacts/browser/<test>/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.__main__ import AnonymousRequestHandler
from survey_app.demo import seed
from survey_app.models import Campaign, CampaignUnit, Response, Unit
from survey_app.platform.extensions import db
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The rules the issue asks for: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Live:
    """The application being served, and helpers to set up and inspect its data."""

    app: Flask
    url: str

    def open_link(self, questionnaire_id: str = "one_stop", code: str = "", channel: str = "qr") -> str:
        """A new unit in a new open campaign; returns its QR link token, or with ``channel="kiosk"`` its kiosk's."""
        with self.app.app_context():
            today = date.today()
            count = db.session.scalar(db.select(db.func.count()).select_from(Unit)) or 0
            unit = Unit(code=code or f"BROWSER-{count + 1}", name="Bộ phận Một cửa huyện Ba Bể", sector="one_stop",
                        level="district", area="Ba Bể", default_locale="vi")
            campaign = Campaign(name="Khảo sát Quý thử", starts_on=today - timedelta(days=1),
                                ends_on=today + timedelta(days=1), status="open")
            link = CampaignUnit(campaign=campaign, unit=unit, questionnaire_id=questionnaire_id, service_volume=500)
            db.session.add_all([unit, campaign, link])
            db.session.commit()
            return unit.kiosk_token if channel == "kiosk" else unit.qr_token

    def qr_token(self, token: str) -> str:
        """The QR link token of the unit of a QR or kiosk token (one unit, two links)."""
        with self.app.app_context():
            unit = db.session.scalars(db.select(Unit).where(db.or_(Unit.qr_token == token,
                                                                   Unit.kiosk_token == token))).one()
            return unit.qr_token

    def responses(self, token: str) -> list[Response]:
        """The answers stored for the unit of a QR or kiosk token."""
        with self.app.app_context():
            unit = db.session.scalars(db.select(Unit).where(db.or_(Unit.qr_token == token,
                                                                   Unit.kiosk_token == token))).one()
            rows = list(db.session.scalars(db.select(Response).where(Response.unit_id == unit.id)))
            db.session.expunge_all()
            return rows


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    # A copy of the translations without audio: tests add prompts and languages to it, never to the project's.
    translations = shutil.copytree(ROOT / "translations", tmp_path_factory.mktemp("live") / "translations",
                                   ignore=shutil.ignore_patterns("audio", "*.mo"))
    app = create_app({
        "TRANSLATIONS_DIR": str(translations),
        "TESTING": True, "SECRET_KEY": "browser-secret", "RATELIMIT_ENABLED": False, "KIOSK_THANKS_SECONDS": 2,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "live.sqlite"),
    })
    with app.app_context():
        db.create_all()
        seed()  # the demo province (units, campaigns, answers, staff), for the report pages
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=AnonymousRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for this folder's tests. Package scope, not session: Playwright's sync API keeps an asyncio
    loop running in the main thread while it is started, which would break ``asyncio.run`` in later tests."""
    require(CHROMIUM is not None, "Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-background-networking",
                                                    # a fake microphone (a beep) that needs no permission prompt,
                                                    # for the recording page (test_prompts.py)
                                                    "--use-fake-device-for-media-stream",
                                                    "--use-fake-ui-for-media-stream"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``new_page(**context_options)`` → a page in a fresh context; script errors and CSP violations fail the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(locale="vi-VN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == [], "script errors or CSP violations in the browser"


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """``shoot(page, "step")``: a full-page screenshot, numbered in order, under test-artifacts/browser/<test>/."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    steps = iter(range(1, 100))

    def take(page: Any, step: str) -> None:
        page.screenshot(path=str(folder / f"{next(steps):02d}-{step}.png"), full_page=True)

    return take


def translated(message: str, locale: str = "vi") -> str:
    """``message`` as the catalog of ``locale`` has it (English when untranslated), to assert what people read."""
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        entry = read_po(handle).get(message)
    return entry.string if entry is not None and entry.string else message


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in ``page`` (injected over the DevTools protocol, so the page's CSP stays as served)."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per document: screens of one page share it
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


UNANSWERED = """skip => Array.from(document.querySelectorAll('.question'))
  .filter(q => q.querySelector('fieldset') && q.offsetParent !== null && !q.querySelector('input:checked'))
  .map(q => q.id.replace(/^item-/, '')).filter(id => !skip.includes(id))"""


def answer_every_question(page: Any, touch: bool = False, skip: tuple[str, ...] = ()) -> int:
    """Answer every visible choice question the way a person would: press the label of one choice.

    Likert items (drawn with faces) get "Satisfied" (the 4th choice); other choice items their first choice, so a yes/no
    follow-up question appears and is answered too. ``skip`` names item ids to leave unanswered. Returns how
    many questions were answered.
    """
    if page.locator("form.stepping").count():
        return answer_screen_by_screen(page, touch)
    answered = 0
    while ids := page.evaluate(UNANSWERED, list(skip)):
        labels = page.locator(f"#item-{ids[0]} .choices label")
        choice = labels.nth(3) if page.locator(f"#item-{ids[0]} .faces").count() else labels.first
        choice.tap() if touch else choice.click()
        answered += 1
    return answered


def answer_screen_by_screen(page: Any, touch: bool = False, on_screen: Callable[[Any], None] | None = None) -> int:
    """Answer a one-question-per-screen form as a person would: choose (as above) on each screen, then Next.

    Text and number questions are left empty (they are optional in the shipped questionnaires). Stops on the
    last screen, where Send takes Next's place; ``on_screen(page)`` runs on every screen first.
    """
    answered = 0
    while True:
        if on_screen is not None:
            on_screen(page)
        current = page.locator("form.stepping .question:not(.step-off):not([hidden])")
        labels = current.locator(".choices label")
        if labels.count() and not current.locator("input:checked").count():
            choice = labels.nth(3) if current.locator(".faces").count() else labels.first
            choice.tap() if touch else choice.click()
            answered += 1
        nxt = page.locator("[data-step-next]")
        if not nxt.is_visible():
            return answered
        nxt.tap() if touch else nxt.click()
