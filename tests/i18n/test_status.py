"""`flask translations status`: the share translated per language, for the interface and each questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from flask import Flask

from questionnaires.model import Item, Option, Questionnaire, Section
from survey_app.prompts import forget_listings, prompt_key
from survey_app.questionnaire_registry import EXTENSION_KEY
from tests.i18n.conftest import VIETNAMESE, write_catalog

QUESTIONNAIRES = {
    "mini": Questionnaire(
        id="mini", version=1, sector="one_stop", target=0.9, title="Mini survey",
        sections=(Section(id="s", title="Your visit", items=(
            Item(id="overall", type="single", text="How was it?", role="overall",
                 options=(Option("good", "Good"), Option("bad", "Bad"))),
        )),)),
}
MINI_TEXTS = ["Mini survey", "Your visit", "How was it?", "Good", "Bad"]


def _write_template(root: Path, ids: list[str]) -> None:
    catalog = Catalog()
    for msgid in ids:
        catalog.add(msgid)
    with (root / "messages.pot").open("wb") as out:
        write_po(out, catalog)


def _app(make_app: Callable[[], Flask]) -> Flask:
    app = make_app()
    app.extensions[EXTENSION_KEY] = QUESTIONNAIRES  # the registry serves these instead of the shipped files
    return app


def test_status_counts_each_language_own_catalog(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    interface = list(VIETNAMESE)  # 6 interface strings
    _write_template(translations_dir, interface + MINI_TEXTS)
    write_catalog(translations_dir, "vi", {**VIETNAMESE, **{t: f"vi {t}" for t in MINI_TEXTS}})
    write_catalog(translations_dir, "en", {**{t: t for t in interface[:4]}, **{t: t for t in MINI_TEXTS[:1]}})
    write_catalog(translations_dir, "tyz", {"Thank you": "Đảy dà", "Good": "Đây", "Bad": "Slấu", "Your visit": "x"},
                  {"name": "Tày"}, fuzzy=("Your visit",))
    # Spoken prompts: the start text, "How was it?", "Good", "Bad" and two thank-you texts (see prompts.py).
    audio = translations_dir / "vi" / "audio"
    audio.mkdir()
    (audio / f"{prompt_key('Good')}.ogg").write_bytes(b"OggS")
    (audio / f"{prompt_key('Bad')}.synthetic.ogg").write_bytes(b"OggS")
    (audio / f"{prompt_key('Not a text of it')}.ogg").write_bytes(b"OggS")
    forget_listings()
    result = _app(make_app).test_cli_runner().invoke(args=["translations", "status"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "language       interface           mini                audio               recorded",
        "vi Tiếng Việt  100.0% (6/6)        100.0% (5/5)         33.3% (2/6)         16.7% (1/6)",
        "en English      66.7% (4/6)         20.0% (1/5)          0.0% (0/6)          0.0% (0/6)",
        "tyz Tày         16.7% (1/6)         40.0% (2/5)          0.0% (0/6)          0.0% (0/6)",
    ]


def test_status_check_fails_when_vietnamese_is_incomplete(translations_dir: Path,
                                                          make_app: Callable[[], Flask]) -> None:
    _write_template(translations_dir, list(VIETNAMESE) + ["A new button"])
    result = _app(make_app).test_cli_runner().invoke(args=["translations", "status", "--check"])
    assert result.exit_code == 1
    assert "Not complete: vi, en." in result.output


def test_init_creates_a_catalog_for_a_language_cldr_does_not_know(translations_dir: Path,
                                                                  make_app: Callable[[], Flask]) -> None:
    _write_template(translations_dir, ["Thank you", "Mini survey"])
    runner = _app(make_app).test_cli_runner()
    result = runner.invoke(args=["translations", "init", "ium", "--name", "Kiềm Miền", "--english-name", "Iu Mien"])
    assert result.exit_code == 0, result.output
    with (translations_dir / "ium" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert [m.id for m in catalog if m.id] == ["Thank you", "Mini survey"]
    assert "Language: ium" in (translations_dir / "ium" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "name: Kiềm Miền" in (translations_dir / "ium" / "language.yaml").read_text(encoding="utf-8")
    again = runner.invoke(args=["translations", "init", "ium", "--name", "Kiềm Miền"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_compile_command_reports_what_it_compiled(translations_dir: Path, make_app: Callable[[], Flask]) -> None:
    runner = _app(make_app).test_cli_runner()
    assert runner.invoke(args=["translations", "compile"]).output == "all catalogs are up to date\n"
    write_catalog(translations_dir, "tyz", {"Thank you": "Đảy dà"})
    output = runner.invoke(args=["translations", "compile"]).output
    assert output == f"compiled {translations_dir / 'tyz' / 'LC_MESSAGES' / 'messages.mo'}\n"
