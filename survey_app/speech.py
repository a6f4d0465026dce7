"""Synthetic speech for the prompts a language has no recording of: espeak-ng, then opusenc.

Only a language whose ``language.yaml`` names an espeak-ng voice under ``speech_synthesis`` gets synthetic
speech: its speakers have listened to that voice and accepted it for their kiosks (Vietnamese ships with
``speech_synthesis: vi``, espeak-ng's Northern Vietnamese voice). Nobody else is given a machine voice they did
not choose. Files are written as ``<key>.synthetic.ogg`` (see prompts.py), so a recording made later replaces
them and the command never writes over a recording.

espeak-ng writes a WAV file at 22 050 Hz; opusenc turns it into Ogg/Opus at 24 kbit/s tuned for speech, which a
prompt of a few seconds keeps under 15 KB. Both are Debian packages (``espeak-ng``, ``opus-tools``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import click
import yaml
from flask import Flask
from flask.cli import with_appcontext

from .catalog import METADATA_FILE, Catalogs
from .prompts import RECORDED, SYNTHETIC, forget_listings, prompt_key, spoken_texts

VOICE_KEY = "speech_synthesis"
BITRATE_KBPS = "24"
TOOLS = ("espeak-ng", "opusenc")


class SpeechUnavailable(RuntimeError):
    """espeak-ng or opusenc is not installed."""


def approved_voice(store: Catalogs, code: str) -> str | None:
    """The espeak-ng voice a language's speakers accepted (``speech_synthesis`` in language.yaml), if any."""
    path = store.root / code / METADATA_FILE
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, yaml.YAMLError):
        return None
    voice = meta.get(VOICE_KEY) if isinstance(meta, dict) else None
    return str(voice) if voice else None


def synthesise(text: str, voice: str, target: Path) -> None:
    """Speak ``text`` with espeak-ng's ``voice`` into the Ogg/Opus file ``target`` (written atomically)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise SpeechUnavailable(f"install {' and '.join(missing)} (Debian: apt-get install espeak-ng opus-tools)")
    with tempfile.TemporaryDirectory() as work:
        wav, ogg = Path(work) / "prompt.wav", Path(work) / "prompt.ogg"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "145", "-w", str(wav), "--", text], check=True,
                       capture_output=True, timeout=60)
        subprocess.run(["opusenc", "--quiet", "--speech", "--bitrate", BITRATE_KBPS, str(wav), str(ogg)],
                       check=True, capture_output=True, timeout=60)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        shutil.copyfile(ogg, partial)
        os.replace(partial, target)


def speak_missing(store: Catalogs, code: str, texts: Iterable[str], force: bool = False) -> list[Path]:
    """Write the synthetic prompts of ``texts`` that language ``code`` has no audio for; the files written.

    Texts are spoken as the language's catalog has them; an untranslated text is skipped (it would be spoken in
    the wrong language). ``force`` re-synthesises existing synthetic files (after a translation changed), never
    recordings.
    """
    voice = approved_voice(store, code)
    if voice is None:
        raise click.ClickException(
            f"{code} has no '{VOICE_KEY}' voice in {store.root / code / METADATA_FILE}: synthetic speech is made "
            "only for a language whose speakers approved a voice. Record the prompts instead.")
    translations = store.translations(code)
    own = store.translated(code)
    folder = store.root / code / "audio"
    written = []
    for text in dict.fromkeys(texts):
        if code != "en" and text not in own:
            continue
        key = prompt_key(text)
        recorded, synthetic = folder / f"{key}{RECORDED}", folder / f"{key}{SYNTHETIC}"
        if recorded.exists() or (synthetic.exists() and not force):
            continue
        synthesise(translations.ugettext(text), voice, synthetic)
        written.append(synthetic)
    forget_listings()
    return written


@click.command("speak")
@click.option("--language", "codes", multiple=True, help="Language code (repeatable); default: every language "
              "with an approved voice.")
@click.option("--force", is_flag=True, help="Re-make existing synthetic prompts (never touches recordings).")
@with_appcontext
def speak_command(codes: tuple[str, ...], force: bool) -> None:
    """Synthesise the missing spoken prompts with espeak-ng, for languages whose speakers approved a voice."""
    from .i18n import catalogs
    from .questionnaire_registry import registry

    store = catalogs()
    chosen = codes or tuple(code for code in store.codes() if approved_voice(store, code))
    texts = [text for questionnaire in registry().values() for text in spoken_texts(questionnaire)]
    for code in chosen:
        try:
            written = speak_missing(store, code, texts, force=force)
        except SpeechUnavailable as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{code}: {len(written)} synthetic prompts written to {store.root / code / 'audio'}")


def speak_in_background(app: Flask) -> threading.Thread | None:
    """For the demo: write the missing synthetic prompts in a thread, so the server starts at once.

    The files are generated rather than committed (about 100 prompts, 0.9 MB, which every clone would carry);
    prompts appear on the pages as they are written. Without espeak-ng and opusenc the demo runs silent.
    """
    if any(shutil.which(tool) is None for tool in TOOLS):
        print("Spoken prompts: espeak-ng or opusenc is not installed; the kiosk will be silent.")
        return None

    def run() -> None:
        from .i18n import catalogs
        from .questionnaire_registry import registry

        with app.app_context():
            store = catalogs()
            texts = [text for questionnaire in registry().values() for text in spoken_texts(questionnaire)]
            for code in store.codes():
                if approved_voice(store, code):
                    written = speak_missing(store, code, texts)
                    if written:
                        print(f"Spoken prompts: {len(written)} synthetic {code} prompts written.", flush=True)

    thread = threading.Thread(target=run, name="demo-speech", daemon=True)
    thread.start()
    return thread
