"""A language added as a folder, unknown to CLDR: offered, rendered, falling back string by string to Vietnamese."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from questionnaires.model import Item, Questionnaire, Section
from survey_app import i18n
from tests.i18n.conftest import VIETNAMESE, write_catalog
from tests.pages import check_page

TAY = {"Choose your language": "Lựa pák lời", "Start the survey": ""}  # invented for the test, never shipped


def paragraph(html: str, element_id: str) -> str:
    return html.split(f'<p id="{element_id}">')[1].split("</p>")[0]


def test_non_cldr_language_is_offered_with_its_own_name(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    write_catalog(translations_dir, "tyz", TAY, {"name": "Tày", "english_name": "Tay"})
    app = make_app()
    with app.test_request_context("/"):
        assert i18n.available_locales() == ["vi", "en", "tyz"]
        assert [(lang.code, lang.name) for lang in i18n.languages()] == [
            ("vi", "Tiếng Việt"), ("en", "English"), ("tyz", "Tày")]


def test_non_cldr_language_renders_and_falls_back_to_vietnamese_per_string(
        translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    write_catalog(translations_dir, "tyz", {**TAY, "Thank you": "Đảy dà"}, {"name": "Tày"}, fuzzy=("Thank you",))
    html = make_app().test_client().get("/t/qr?lang=tyz").get_data(as_text=True)
    page = check_page(html, locale="tyz")
    assert 'dir="ltr"' in html
    assert page.h1 == ["Lựa pák lời"]  # translated in the Tày catalog
    assert paragraph(html, "start") == VIETNAMESE["Start the survey"]  # empty msgstr: Vietnamese, not English
    assert paragraph(html, "thanks") == VIETNAMESE["Thank you"]  # fuzzy: not trusted, Vietnamese
    assert paragraph(html, "number") == "1.234,5"  # numbers formatted as Vietnamese


def test_language_without_metadata_is_named_by_its_code(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    write_catalog(translations_dir, "ium", {})
    with make_app().test_request_context("/"):
        assert ("ium", "ium") in [(lang.code, lang.name) for lang in i18n.languages()]


def test_formatting_locale_from_metadata(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    write_catalog(translations_dir, "hmn", {}, {"name": "Hmoob", "formatting_locale": "en"})
    html = make_app().test_client().get("/t/qr?lang=hmn").get_data(as_text=True)
    assert check_page(html, locale="hmn")
    assert paragraph(html, "number") == "1,234.5"
    assert paragraph(html, "start") == VIETNAMESE["Start the survey"]


def test_missing_compiled_catalogs_are_built_at_start(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    mo = translations_dir / "vi" / "LC_MESSAGES" / "messages.mo"
    assert not mo.exists()
    make_app()
    assert mo.is_file() and mo.stat().st_mtime_ns >= (mo.with_suffix(".po")).stat().st_mtime_ns


def test_stale_compiled_catalog_never_shows_english(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    """A .po edited after start (e.g. by `pybabel update`) is read even though its .mo is now older."""
    app = make_app()
    app.extensions["survey_catalogs"].recheck_seconds = 0  # look at the files on every request
    client = app.test_client()
    client.get("/t/qr")
    po = write_catalog(translations_dir, "vi", {**VIETNAMESE, "Start the survey": "Bắt đầu trả lời"})
    mo = po.with_suffix(".mo")
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9, po.stat().st_mtime_ns - 10**9))
    assert paragraph(client.get("/t/qr").get_data(as_text=True), "start") == "Bắt đầu trả lời"


def test_compile_writes_only_stale_catalogs(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    app = make_app()
    with app.app_context():
        assert i18n.catalogs().compile() == []
        write_catalog(translations_dir, "tyz", TAY)
        assert i18n.catalogs().compile() == [translations_dir / "tyz" / "LC_MESSAGES" / "messages.mo"]


def _questionnaire() -> Questionnaire:
    item = Item(id="overall", type="yes_no", text="Were you satisfied?", role="overall")
    return Questionnaire(id="mini", version=1, sector="one_stop", target=0.9, title="Mini survey",
                         sections=(Section(id="s", title="Your visit", items=(item,)),))


def test_kiosk_offers_only_languages_complete_for_the_questionnaire(
        translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    texts = list(_questionnaire().texts())
    assert texts == ["Mini survey", "Your visit", "Were you satisfied?", "Yes", "No"]
    write_catalog(translations_dir, "tyz", {text: f"tyz {text}" for text in texts}, {"name": "Tày"})
    write_catalog(translations_dir, "ium", {**{text: f"ium {text}" for text in texts}, "No": ""}, {"name": "Dao"})
    write_catalog(translations_dir, "hmn", {**{text: f"hmn {text}" for text in texts}}, {"name": "Hmoob"},
                  fuzzy=("Yes",))
    with make_app().test_request_context("/"):
        assert i18n.kiosk_languages(_questionnaire()) == [("vi", "Tiếng Việt"), ("en", "English"), ("tyz", "Tày")]


def test_vietnamese_catalog_is_required(tmp_path: Path) -> None:
    import pytest

    from survey_app import create_app

    write_catalog(tmp_path / "tr", "en", {"Thank you": "Thank you"})
    with pytest.raises(RuntimeError, match="Vietnamese catalog"):
        create_app({"SECRET_KEY": "x", "TRANSLATIONS_DIR": str(tmp_path / "tr"),
                    "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "x.sqlite")})


def test_files_are_looked_at_again_after_the_recheck_interval(translations_dir: Path, make_app: Callable[[], Flask],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit shows within ``recheck_seconds`` (2 s), not on every request: each page would otherwise stat a
    dozen files."""
    import survey_app.catalog as catalog

    clock = [1000.0]
    monkeypatch.setattr(catalog.time, "monotonic", lambda: clock[0])
    client = make_app().test_client()
    client.get("/t/qr")
    po = write_catalog(translations_dir, "vi", {**VIETNAMESE, "Start the survey": "Bắt đầu trả lời"})
    mo = po.with_suffix(".mo")
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9, po.stat().st_mtime_ns - 10**9))
    clock[0] += 1.0
    assert paragraph(client.get("/t/qr").get_data(as_text=True), "start") == VIETNAMESE["Start the survey"]
    clock[0] += 1.5
    assert paragraph(client.get("/t/qr").get_data(as_text=True), "start") == "Bắt đầu trả lời"


def test_a_language_added_while_running_is_chosen_once_its_folder_is_seen(
        translations_dir: Path, make_app: Callable[[], Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    """Language choices are remembered per browser header and code, and forgotten when the catalogs change."""
    import survey_app.catalog as catalog

    clock = [1000.0]
    monkeypatch.setattr(catalog.time, "monotonic", lambda: clock[0])
    client = make_app().test_client()
    header = {"Accept-Language": "tyz,en;q=0.5"}
    assert check_page(client.get("/t/qr", headers=header).get_data(as_text=True)).lang == "en"
    assert check_page(client.get("/t/qr?lang=tyz").get_data(as_text=True)).lang == "vi"  # no such catalog yet
    write_catalog(translations_dir, "tyz", TAY, {"name": "Tày", "english_name": "Tay", "formatting_locale": "vi"})
    clock[0] += 5
    with make_app().app_context():  # compiles the new catalog, as a restart or `pybabel compile` would
        pass
    assert check_page(client.get("/t/qr", headers=header).get_data(as_text=True)).lang == "tyz"
    fresh = make_app().test_client()
    assert check_page(fresh.get("/t/qr?lang=TYZ").get_data(as_text=True)).lang == "tyz"


@pytest.mark.parametrize("lang", ["en_" + "x" * 500, "EN-" + "y" * 5000])
def test_long_codes_and_headers_are_matched_like_short_ones(make_app: Callable[[], Flask], lang: str) -> None:
    client = make_app().test_client()
    assert check_page(client.get(f"/t/qr?lang={lang}").get_data(as_text=True)).lang == "en"
    header = ",".join(f"x{n}-ZZ;q=0.{n % 9 + 1}" for n in range(300)) + ",en;q=0.05"
    assert check_page(make_app().test_client().get("/t/qr", headers={"Accept-Language": header})
                      .get_data(as_text=True)).lang == "en"
