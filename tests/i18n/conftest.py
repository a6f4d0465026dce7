"""Fixtures for the language tests: a throwaway translations folder and an application that uses it.

The folder holds small Vietnamese and English catalogs and, where a test asks for one, a catalog for a
language Babel/CLDR does not know (Tày, ``tyz``) — built here, never shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from flask import Blueprint, Flask, render_template_string, request
from flask.testing import FlaskClient

from survey_app import create_app, i18n
from survey_app.platform.extensions import db
from tests.conftest import CheckingClient

PAGE = """{% extends "base.html" %}
{% block title %}{{ _("Choose your language") }}{% endblock %}
{% block content %}<h1>{{ _("Choose your language") }}</h1>
<p id="start">{{ _("Start the survey") }}</p>
<p id="thanks">{{ _("Thank you") }}</p>
<p id="number">{{ 1234.5|decimalformat }}</p>
{% endblock %}"""

VIETNAMESE = {
    "Choose your language": "Chọn ngôn ngữ",
    "Start the survey": "Bắt đầu khảo sát",
    "Thank you": "Xin cảm ơn",
    "Citizen satisfaction survey": "Khảo sát sự hài lòng của người dân",
    "Skip to content": "Bỏ qua, đến nội dung chính",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
}
ENGLISH = {key: key for key in VIETNAMESE}

WriteCatalog = Callable[..., Path]


def write_catalog(root: Path, code: str, entries: Mapping[str, str], metadata: Mapping[str, str] | None = None,
                  fuzzy: tuple[str, ...] = ()) -> Path:
    """Write ``root/<code>/LC_MESSAGES/messages.po`` (and ``language.yaml`` when ``metadata`` is given)."""
    folder = root / code / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale=None, domain="messages")
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    with (folder / "messages.po").open("wb") as out:
        write_po(out, catalog)
    if metadata is not None:
        (root / code / "language.yaml").write_text(yaml.safe_dump(dict(metadata), allow_unicode=True),
                                                    encoding="utf-8")
    return folder / "messages.po"


@pytest.fixture
def translations_dir(tmp_path: Path) -> Path:
    root = tmp_path / "translations"
    write_catalog(root, "vi", VIETNAMESE, {"name": "Tiếng Việt", "english_name": "Vietnamese"})
    write_catalog(root, "en", ENGLISH, {"name": "English", "english_name": "English"})
    return root


def _pages() -> Blueprint:
    """Stand-ins for the survey pages: a QR page, a kiosk page, the language buttons, the end of a respondent."""
    pages = Blueprint("i18n_test", __name__)

    @pages.get("/t/qr")
    def qr() -> str:
        i18n.use_unit_language(request.args.get("unit"))
        return render_template_string(PAGE)

    @pages.get("/t/kiosk")
    def kiosk() -> str:
        i18n.use_unit_language(request.args.get("unit"), shared_device=True)
        return render_template_string(PAGE)

    @pages.post("/t/choose")
    def choose() -> tuple[str, int]:
        return ("", 204) if i18n.choose_language(request.form.get("code")) else ("", 400)

    @pages.post("/t/form")
    def form() -> tuple[str, int, dict[str, str]]:
        from flask_wtf import FlaskForm
        from wtforms import SelectField

        class Choice(FlaskForm):
            colour = SelectField(choices=["red"])

        choice = Choice()
        choice.validate()
        return " ".join(choice.colour.errors), 200, {"Content-Type": "text/plain; charset=utf-8"}

    @pages.post("/t/done")
    def done() -> tuple[str, int]:
        i18n.forget_language()
        return "", 204

    return pages


@pytest.fixture
def make_app(tmp_path: Path, translations_dir: Path) -> Iterator[Callable[[], Flask]]:
    """Factory of applications on the throwaway translations folder (call it after writing catalogs)."""
    made: list[Flask] = []

    def make() -> Flask:
        application = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "i18n.sqlite"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "TRANSLATIONS_DIR": str(translations_dir),
        })
        application.register_blueprint(_pages())
        application.test_client_class = CheckingClient
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def lang_client(make_app: Callable[[], Flask]) -> FlaskClient:
    return make_app().test_client()


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The message template extracted now from the working tree (what `flask translations extract` writes)."""
    from babel.messages.pofile import read_po

    from survey_app.translation_status import extract_template

    target = tmp_path_factory.mktemp("pot") / "messages.pot"
    extract_template(target)
    with target.open("rb") as handle:
        return read_po(handle)
