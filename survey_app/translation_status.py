"""``flask translations …``: how complete each language is, and the translator's extract/init/update/compile.

The commands wrap Babel's own Python API, so they behave exactly like the ``pybabel`` commands in the README;
``init`` also works for a language Babel/CLDR does not know (``pybabel init -l tyz`` refuses), and writes the
language's ``language.yaml`` so the start screen can name it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
import yaml
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup, with_appcontext

from .catalog import FALLBACK_LANGUAGE, METADATA_FILE, SOURCE_LANGUAGE, Catalogs, coverage, translated_ids
from .speech import speak_command

translations_cli = AppGroup("translations", help="Translation status and the translator's workflow.")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")
UI = "interface"
AUDIO, RECORDED = "audio", "recorded"


@dataclass(frozen=True)
class Share:
    """``done`` of ``total`` texts translated."""

    done: int
    total: int

    @property
    def ratio(self) -> float:
        return self.done / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.ratio:6.1%} ({self.done}/{self.total})"


def status(store: Catalogs, questionnaires: Mapping[str, object]) -> dict[str, dict[str, Share]]:
    """Per language, the share translated of the interface and of each questionnaire's texts.

    The interface is every message of ``messages.pot`` that is not a questionnaire text. Only the language's
    own catalog counts: what falls back to Vietnamese is not translated. The last two columns count spoken
    prompts the same way (see prompts.py): any audio (recorded or synthetic), then recordings only.
    """
    from .prompts import AUDIO_FOLDER, listing, prompt_key, spoken_texts

    texts = {qid: set(q.texts()) for qid, q in questionnaires.items()}  # type: ignore[attr-defined]
    spoken = {prompt_key(text) for q in questionnaires.values() for text in spoken_texts(q)}  # type: ignore[arg-type]
    all_texts = set().union(*texts.values()) if texts else set()
    interface = store.template_ids() - all_texts
    table: dict[str, dict[str, Share]] = {}
    for code in store.codes():
        translated = store.translated(code)
        row = {UI: Share(*coverage(translated, interface))}
        row.update({qid: Share(*coverage(translated, wanted)) for qid, wanted in texts.items()})
        audio = listing(store.root / code / AUDIO_FOLDER, code)
        row[AUDIO] = Share(len(spoken & audio.keys()), len(spoken))
        row[RECORDED] = Share(len({key for key in spoken & audio.keys() if not audio[key].synthetic}), len(spoken))
        table[code] = row
    return table


def _render(store: Catalogs, table: dict[str, dict[str, Share]]) -> Iterable[str]:
    columns = list(next(iter(table.values())).keys()) if table else [UI]
    names = {code: f"{code} {store.language(code).name}" for code in table}
    first = max([len("language"), *map(len, names.values())])
    yield "  ".join(["language".ljust(first), *(c.ljust(18) for c in columns)]).rstrip()
    for code, row in table.items():
        yield "  ".join([names[code].ljust(first), *(str(row[c]).ljust(18) for c in columns)]).rstrip()


@translations_cli.command("status")
@click.option("--check", is_flag=True, help="Exit with status 1 unless Vietnamese and English are complete.")
@with_appcontext
def status_command(check: bool) -> None:
    """Print, per language, the share translated of the interface and of each questionnaire."""
    from .i18n import catalogs
    from .questionnaire_registry import registry

    store = catalogs()
    table = status(store, registry())
    for line in _render(store, table):
        click.echo(line)
    incomplete = [code for code in (FALLBACK_LANGUAGE, SOURCE_LANGUAGE)
                  if any(share.done < share.total for column, share in table.get(code, {}).items()
                         if column not in (AUDIO, RECORDED))]  # audio is welcome, not required
    if check and incomplete:
        click.echo(f"Not complete: {', '.join(incomplete)}. Translate the empty or fuzzy entries, then compile.",
                   err=True)
        sys.exit(1)


def _pybabel(*arguments: str) -> None:
    """Run a ``pybabel`` command in this process (Babel's own command-line front end)."""
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def extract_template(target: Path) -> None:
    """Write the message template: every marked string of the code and templates, every questionnaire text."""
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    with contextlib.chdir(PROJECT_ROOT):  # locations relative to the project, as `pybabel extract … .` writes them
        _pybabel("extract", "-F", "babel.cfg", *keywords, "--add-comments", "TRANSLATORS:", "--sort-by-file",
                 "--project", "citizen-survey", "--copyright-holder", "citizen-survey contributors",
                 "-o", str(Path(target).resolve()), ".")


@translations_cli.command("extract")
@with_appcontext
def extract_command() -> None:
    """Collect every marked string and questionnaire text into translations/messages.pot."""
    from .i18n import catalogs

    extract_template(catalogs().template_path)
    click.echo(f"wrote {catalogs().template_path}")


@translations_cli.command("update")
@with_appcontext
def update_command() -> None:
    """Merge messages.pot into every language's catalog (new strings empty, changed ones fuzzy)."""
    from .i18n import catalogs

    store = catalogs()
    _pybabel("update", "-i", str(store.template_path), "-d", str(store.root))
    copied = copy_source_text(store)
    click.echo(f"updated {', '.join(store.codes())}; {copied} new English source strings copied into en")


def copy_source_text(store: Catalogs) -> int:
    """Fill the English catalog's new or changed entries with their message id, which is English already.

    English then counts as complete, and a copy-editor can still refine an entry in ``en/messages.po``.
    """
    path = store.po_path(SOURCE_LANGUAGE)
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=SOURCE_LANGUAGE)
    done = translated_ids(catalog)
    copied = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        if not key or key in done:
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
        copied += 1
    if copied:
        with path.open("wb") as out:
            write_po(out, catalog, width=76)
    return copied


@translations_cli.command("init")
@click.argument("code")
@click.option("--name", required=True, help='The language named in itself, e.g. "Tày".')
@click.option("--english-name", default=None, help='Its English name, e.g. "Tay".')
@click.option("--formatting-locale", default=None, help="CLDR locale for numbers and dates (default: vi when "
              "CLDR does not know CODE).")
@with_appcontext
def init_command(code: str, name: str, english_name: str | None, formatting_locale: str | None) -> None:
    """Start the catalog of language CODE from messages.pot — any code, known to CLDR or not."""
    from .i18n import catalogs

    store = catalogs()
    po = store.po_path(code)
    if po.exists():
        raise click.ClickException(f"{po} exists already; use `flask translations update`.")
    if not store.template_path.is_file():
        raise click.ClickException(f"{store.template_path} is missing; run `flask translations extract` first.")
    init_catalog(store, code, name, english_name, formatting_locale)
    click.echo(f"created {po} and {po.parents[1] / METADATA_FILE}")


def init_catalog(store: Catalogs, code: str, name: str, english_name: str | None = None,
                 formatting_locale: str | None = None) -> None:
    """Start language ``code``'s catalog from the template (empty when none) and write its language.yaml."""
    po = store.po_path(code)
    if not store.template_path.is_file():
        from babel.messages.catalog import Catalog

        catalog = Catalog(locale=None, domain="messages")
    else:
        with store.template_path.open("rb") as handle:
            catalog = read_po(handle)
    catalog.locale = code
    catalog.fuzzy = False
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as out:
        write_po(out, catalog)
    metadata = {"name": name, "english_name": english_name or name, "direction": "ltr"}
    if formatting_locale:
        metadata["formatting_locale"] = formatting_locale
    (po.parents[1] / METADATA_FILE).write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")


@translations_cli.command("compile")
@click.option("--force", is_flag=True, help="Rewrite every .mo, not only the stale ones.")
@with_appcontext
def compile_command(force: bool) -> None:
    """Compile every catalog whose .mo is missing or older than its .po (the application also does this)."""
    from .i18n import catalogs

    written = catalogs().compile(force=force)
    for path in written:
        click.echo(f"compiled {path}")
    if not written:
        click.echo("all catalogs are up to date")

translations_cli.add_command(speak_command)
