"""Every page shows only translated text: rendered in a pseudo-language, nothing English is left over.

The pseudo-language ``qps`` (unknown to CLDR, like Tày) translates every message of a template extracted now
from the working tree as ``⟦message⟧``. Each HTML page of the application is rendered in it — every GET page
with the demo province's ids filled in, and every form posted empty and with nonsense, so that form errors
show too. Whatever visible text is left once the ``⟦…⟧`` parts, the database's own data (unit names, codes,
e-mail addresses, comments), the language names and the date words are removed is a string that bypassed
gettext or is missing from the template. Together with ``test_catalogs`` (Vietnamese and English translate
every message of that template) this shows that no page in ``vi`` or ``en`` has an untranslated string.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app import create_app
from survey_app.catalog import Catalogs
from survey_app.platform.config import defaults
from survey_app.platform.extensions import db
from tests.conftest import CheckingClient
from tests.pages import check_page

PSEUDO = "qps"
SHIPPED = Path(str(defaults("instance")["TRANSLATIONS_DIR"]))
BRACKETED = re.compile(r"⟦[^⟦⟧]*⟧")
LEFTOVER = re.compile(r"[^\W\d_]{2,}")
URL = re.compile(r"(https?://|/)\S+")
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")  # CSV, PDF, XLSX, QR: the same in every language
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIP_ENDPOINTS = {"static", "prompts.serve"}  # files, not pages
LITERAL_TAGS = ("script", "style", "code", "kbd", "samp")  # code and keys to type as written: not translated


def pseudo_catalog(template: Catalog) -> Catalog:
    catalog = Catalog(locale=None, domain="messages")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            catalog.add(message.id, tuple(f"⟦{form}⟧" for form in message.id))
        else:
            catalog.add(message.id, f"⟦{message.id}⟧")
    return catalog


class _Text(HTMLParser):
    """Visible text nodes and visible attribute values of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._kept: list[str] = []  # open elements marked translate="no" (e.g. a text shown in another language)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in LITERAL_TAGS:
            self._skip += 1
        if a.get("translate") == "no":
            self._kept.append(tag)
            self._skip += 1
        self.texts += [a[name] or "" for name in VISIBLE_ATTRIBUTES if a.get(name)]
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.texts.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in LITERAL_TAGS and self._skip:
            self._skip -= 1
        if self._kept and tag == self._kept[-1]:
            self._kept.pop()
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _data_strings(app: Flask) -> list[str]:
    """Text that comes from the database or the catalogs' metadata, not from the interface."""
    found: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                for value in row:
                    if isinstance(value, str):
                        found.add(value)
                    elif isinstance(value, dict):  # answers: free-text comments only, never answer codes
                        found.update(v for v in value.values() if isinstance(v, str) and len(v) > 20)
        found.update(language.name for language in Catalogs(app.config["TRANSLATIONS_DIR"]).languages())
    vi = Locale.parse("vi")
    for names in (vi.months, vi.days, vi.periods):
        for context in names.values():
            for width in context.values() if isinstance(context, dict) else [context]:
                found.update(str(name) for name in (width.values() if hasattr(width, "values") else [width]))
    found.update({"thg", "tháng"})
    return sorted((s for s in found if len(s) >= 2), key=len, reverse=True)


def leftovers(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        rest = text
        while BRACKETED.search(rest):
            rest = BRACKETED.sub(" ", rest)
        for value in data:
            rest = rest.replace(value, " ")
        rest = ACRONYM.sub(" ", URL.sub(" ", rest))
        if LEFTOVER.search(rest):
            found.append(text)
    return found


@pytest.fixture(scope="module")
def pseudo_app(tmp_path_factory: pytest.TempPathFactory, fresh_template: Catalog) -> Iterator[Flask]:
    from survey_app.demo import seed

    root = tmp_path_factory.mktemp("pseudo")
    translations = root / "translations"
    for code in ("vi", "en"):
        shutil.copytree(SHIPPED / code, translations / code, ignore=shutil.ignore_patterns("*.mo"))
    (translations / PSEUDO / "LC_MESSAGES").mkdir(parents=True)
    with (translations / PSEUDO / "LC_MESSAGES" / "messages.po").open("wb") as out:
        write_po(out, pseudo_catalog(fresh_template))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'pages.sqlite'}",
                      "TRANSLATIONS_DIR": str(translations)})
    app.test_client_class = CheckingClient
    with app.app_context():
        db.create_all()
        seed()
    yield app
    with app.app_context():
        db.engine.dispose()


def _ids(app: Flask) -> dict[str, object]:
    from survey_app.models import Campaign, CampaignUnit, User

    with app.app_context():
        link = db.session.scalars(select(CampaignUnit).join(Campaign).where(Campaign.status == "open")
                                  .order_by(CampaignUnit.id)).first()
        assert link is not None, "the demo has an open campaign"
        admin = db.session.scalars(select(User).where(User.role == "province_admin")).first()
        return {"campaign_id": link.campaign_id, "unit_id": link.unit_id, "token": link.unit.qr_token,
                "channel": "qr", "user_id": admin.id if admin else 1, "code": "vi",
                "questionnaire_id": link.questionnaire_id}


def _sign_in(client: FlaskClient, email: str, password: str) -> None:
    client.post("/login", data={"email": email, "password": password})


def _urls(app: Flask) -> list[tuple[str, str]]:
    """``(method, url)`` of every HTML page: each GET route, and each GET+POST form route posted empty."""
    ids = _ids(app)
    pages = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    forms = {rule.rule for rule in rules if "GET" in (rule.methods or ())}  # a POST to one of these is a form
    for rule in rules:
        if rule.endpoint in SKIP_ENDPOINTS or rule.rule not in forms or "." in rule.rule.rsplit("/", 1)[-1]:
            continue
        missing = [name for name in rule.arguments if name not in ids]
        assert not missing, f"{rule.rule}: add a value for {missing} to _ids() so that this page is checked"
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        if "GET" in (rule.methods or ()):
            pages.append(("GET", url))
        if "POST" in (rule.methods or ()) and rule.endpoint != "auth.login":
            pages.append(("POST", url))
    return pages


def _render_all(app: Flask, code: str, crashes: list[str] | None = None) -> Iterator[tuple[str, str, str]]:
    """``(method, url, html)`` of every page, signed in as the province administrator, in language ``code``.

    A page that fails with an exception is other tests' business: it is listed in ``crashes`` and skipped.
    """
    from survey_app.demo import DEMO_PASSWORDS

    anonymous = app.test_client()
    anonymous.post(f"/login?lang={code}", data={"email": "nobody@example.org", "password": "wrong-password"})
    yield "POST", "/login", anonymous.post("/login", data={}).get_data(as_text=True)
    client = app.test_client()
    email = next(e for e in DEMO_PASSWORDS if e.startswith("admin"))
    _sign_in(client, email, DEMO_PASSWORDS[email])
    for method, url in _urls(app):
        separator = "&" if "?" in url else "?"
        try:
            response = client.open(f"{url}{separator}lang={code}", method=method, data={}, follow_redirects=True)
        except Exception as error:  # noqa: BLE001 - reported, not hidden: see the docstring
            (crashes if crashes is not None else []).append(f"{method} {url}: {error!r}")
            continue
        if response.mimetype == "text/html":
            yield method, url, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def rendered(pseudo_app: Flask) -> dict[str, tuple[list[tuple[str, str, str]], list[str]]]:
    """Per language: every page as ``(method, url, html)``, and the pages that crashed."""
    result = {}
    for code in (PSEUDO, "vi", "en"):
        crashes: list[str] = []
        result[code] = (list(_render_all(pseudo_app, code, crashes)), crashes)
    return result


def test_every_page_shows_only_translated_text(pseudo_app: Flask, rendered: dict) -> None:  # type: ignore[type-arg]
    data = _data_strings(pseudo_app)
    problems = {}
    pages, _ = rendered[PSEUDO]
    for method, url, html in pages:
        check_page(html, locale=PSEUDO)
        left = leftovers(html, data)
        if left:
            problems[f"{method} {url}"] = left
    assert problems == {}, ("text not passed through gettext, or missing from messages.pot "
                            f"(mark it with _() / _l(), then extract): {problems}")


@pytest.mark.parametrize("code", ["vi", PSEUDO])
def test_no_page_breaks_because_of_its_language(rendered: dict, code: str) -> None:  # type: ignore[type-arg]
    """A page that works in English must work in every language (a translation with a bad ``%`` would not)."""
    english_crashes = {crash.split(":")[0] for crash in rendered["en"][1]}
    assert [crash for crash in rendered[code][1] if crash.split(":")[0] not in english_crashes] == []


@pytest.mark.parametrize("code", ["vi", "en"])
def test_every_page_renders_in_the_shipped_languages(rendered: dict, code: str) -> None:  # type: ignore[type-arg]
    english = {m.id for m in Catalogs(str(SHIPPED)).catalog("vi") if m.id and m.string and m.string != m.id
               and isinstance(m.id, str) and len(m.id) > 12}
    pages, _ = rendered[code]
    for method, url, html in pages:
        check_page(html, locale=code)
        if code == "vi":
            parser = _Text()
            parser.feed(html)
            assert not english & set(parser.texts), f"{method} {url} shows English: {english & set(parser.texts)}"
    assert len(pages) >= 10


def test_leftover_detection_finds_an_unmarked_string() -> None:
    html = ("<p>⟦Thank you⟧</p><p>Bộ phận Một cửa</p><p>Send</p><p title='Close'>⟦x⟧ 12 %</p>"
            "<p>⟦Column⟧ <code>service_volume</code> CSV</p>")
    assert leftovers(html, ["Bộ phận Một cửa"]) == ["Send", "Close"]
