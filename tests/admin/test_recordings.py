"""The recording page: who may record which language, what an upload must be, and that a recording replaces the
machine voice. (The browser side, MediaRecorder with a fake microphone, is tests/browser/test_prompts.py.)"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app
from survey_app.admin.recordings import MAX_BYTES, recording_format
from survey_app.models import User
from survey_app.platform.extensions import db
from survey_app.prompts import forget_listings, prompt_key, spoken_texts
from survey_app.questionnaire_registry import get as get_questionnaire
from tests.admin.conftest import World
from tests.conftest import CheckingClient, require
from tests.staff import csrf_token, english, sign_in, text

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Seats and space in the waiting area"
#: The start of an Ogg/Opus file (RFC 7845: an "OggS" page carrying the "OpusHead" header) and of a WebM one.
OGG_OPUS = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01" + b"\x00" * 200
WEBM_OPUS = b"\x1a\x45\xdf\xa3" + b"\x00" * 60 + b"\x86\x86A_OPUS" + b"\x00" * 200
TRANSLATOR = "nguoi-dich@tinh.gov.vn"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """As tests/conftest.py's, on a copy of the translations: the uploads land there, not in the project."""
    translations = shutil.copytree(ROOT / "translations", tmp_path / "translations",
                                   ignore=shutil.ignore_patterns("audio", "*.mo"))
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                              "RATELIMIT_ENABLED": False, "TRANSLATIONS_DIR": str(translations)})
    application.test_client_class = CheckingClient
    with application.app_context():
        db.create_all()
    yield application
    forget_listings()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def translator(app: Flask, world: World) -> int:
    with app.app_context():
        user = User(email=TRANSLATOR, role="translator", language="en", name="Người dịch")
        user.set_password("pw-123456")
        db.session.add(user)
        db.session.commit()
        return user.id


def _token(client: FlaskClient) -> str:
    """The session's CSRF token; a translator's home page redirects, so read it from the recordings page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get("/admin/recordings/")))
    return match.group(1) if match else csrf_token(client)


def _upload(client: FlaskClient, code: str, text_: str, data: bytes, name: str = "prompt.webm") -> Any:
    return client.post(f"/admin/recordings/{code}/{prompt_key(text_)}", headers={"X-CSRFToken": _token(client)},
                       data={"audio": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_an_administrator_records_a_prompt_that_replaces_the_machine_voice(
        app: Flask, admin_client: FlaskClient) -> None:
    audio = Path(app.config["TRANSLATIONS_DIR"]) / "vi" / "audio"
    audio.mkdir()
    (audio / f"{prompt_key(QUESTION)}.synthetic.ogg").write_bytes(OGG_OPUS)
    forget_listings()
    page = admin_client.get("/admin/recordings/vi/one_stop")
    assert page.status_code == 200
    assert page.headers["Permissions-Policy"].startswith("camera=(), microphone=(self)")
    assert "media-src 'self' blob:" in page.headers["Content-Security-Policy"]
    html = text(page)
    assert "Machine voice (espeak-ng): replace it with your recording." in html
    with app.app_context():
        spoken = list(spoken_texts(get_questionnaire("one_stop")))
    assert html.count('<li class="recording"') == len(spoken) and QUESTION in spoken

    response = _upload(admin_client, "vi", QUESTION, WEBM_OPUS)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["url"].startswith(f"/audio/vi/{prompt_key(QUESTION)}.webm?v=")
    assert sorted(path.name for path in audio.iterdir()) == [f"{prompt_key(QUESTION)}.webm"]
    with admin_client.get(response.get_json()["url"]) as served:
        assert served.status_code == 200 and served.mimetype == "audio/webm" and served.data == WEBM_OPUS
        assert "immutable" in served.headers["Cache-Control"]
    # Recorded again, in Ogg this time: the WebM take goes.
    assert _upload(admin_client, "vi", QUESTION, OGG_OPUS, "prompt.ogg").status_code == 201
    assert sorted(path.name for path in audio.iterdir()) == [f"{prompt_key(QUESTION)}.ogg"]
    assert "1 of" in text(admin_client.get("/admin/recordings/"))


@pytest.mark.parametrize(("data", "status", "message"), [
    (b"RIFF....WAVEfmt " + b"\x00" * 100, 415, "This file is not Opus audio in Ogg or WebM."),
    (b"OggS" + b"\x00" * 200, 415, "This file is not Opus audio in Ogg or WebM."),  # Ogg, but not Opus
    (WEBM_OPUS + b"\x00" * (MAX_BYTES - len(WEBM_OPUS) + 1), 413, "This recording is too long."),
])
def test_an_upload_that_is_not_a_short_opus_recording_is_refused_and_nothing_is_kept(
        app: Flask, admin_client: FlaskClient, data: bytes, status: int, message: str) -> None:
    response = _upload(admin_client, "vi", QUESTION, data)
    assert response.status_code == status
    assert response.get_json()["error"].startswith(message)
    assert not (Path(app.config["TRANSLATIONS_DIR"]) / "vi" / "audio").exists()


def test_a_translator_records_only_its_language_and_sees_no_answers(app: Flask, client: FlaskClient,
                                                                    translator: int) -> None:
    english(client)
    assert sign_in(client, TRANSLATOR).status_code == 302
    assert client.get("/").headers["Location"].endswith("/admin/recordings/")
    assert client.get("/admin/recordings/en/one_stop").status_code == 200
    assert client.get("/admin/recordings/vi/one_stop").status_code == 403
    assert _upload(client, "vi", QUESTION, OGG_OPUS).status_code == 403
    assert _upload(client, "en", QUESTION, OGG_OPUS, "prompt.ogg").status_code == 201
    assert client.get("/admin/units").status_code == 403
    assert client.get("/admin/recordings/xx/one_stop").status_code == 404
    assert _upload(client, "en", "A text no questionnaire has", OGG_OPUS).status_code == 404


def test_an_agency_account_cannot_record(agency_client: FlaskClient) -> None:
    assert agency_client.get("/admin/recordings/").status_code == 403
    assert agency_client.get("/admin/recordings/vi/one_stop").status_code == 403
    assert _upload(agency_client, "vi", QUESTION, OGG_OPUS).status_code == 403


def test_an_upload_needs_the_csrf_token(admin_client: FlaskClient) -> None:
    response = admin_client.post(f"/admin/recordings/vi/{prompt_key(QUESTION)}",
                                 data={"audio": (io.BytesIO(OGG_OPUS), "p.ogg")}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_recording_format_reads_the_container_and_codec() -> None:
    assert recording_format(OGG_OPUS) == ".ogg"
    assert recording_format(WEBM_OPUS) == ".webm"
    assert recording_format(b"\x1a\x45\xdf\xa3" + b"A_VORBIS") is None



def _packet_sizes(path: Path) -> list[str]:
    """The size of every Opus packet of a file, as ffprobe reads them: equal lists mean the audio was copied."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=size",
                            "-of", "csv=p=0", str(path)], check=True, capture_output=True, text=True)
    return probe.stdout.replace(",", "").split()


@pytest.fixture
def webm_take(tmp_path: Path) -> Path:
    """One second of real WebM/Opus, as Chromium's MediaRecorder writes it (made by ffmpeg)."""
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    take = tmp_path / "take.webm"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=1",
                    "-c:a", "libopus", "-b:a", "32k", str(take)], check=True)
    return take


def test_a_webm_recording_is_stored_as_ogg_opus_with_the_audio_copied(
        app: Flask, admin_client: FlaskClient, webm_take: Path) -> None:
    response = _upload(admin_client, "vi", QUESTION, webm_take.read_bytes())
    assert response.status_code == 201, response.get_json()
    audio = Path(app.config["TRANSLATIONS_DIR"]) / "vi" / "audio"
    stored = audio / f"{prompt_key(QUESTION)}.ogg"
    assert sorted(path.name for path in audio.iterdir()) == [stored.name]
    assert recording_format(stored.read_bytes()) == ".ogg"
    assert _packet_sizes(stored) == _packet_sizes(webm_take) != []  # remuxed, not encoded again
    with admin_client.get(response.get_json()["url"]) as served:
        assert served.status_code == 200 and served.mimetype == "audio/ogg" and served.data == stored.read_bytes()


def test_without_ffmpeg_a_webm_recording_is_kept_as_webm_and_logged(
        app: Flask, admin_client: FlaskClient, webm_take: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("survey_app.admin.recordings.shutil.which", lambda name: None)
    response = _upload(admin_client, "vi", QUESTION, webm_take.read_bytes())
    assert response.status_code == 201, response.get_json()
    audio = Path(app.config["TRANSLATIONS_DIR"]) / "vi" / "audio"
    assert [path.read_bytes() for path in audio.iterdir()] == [webm_take.read_bytes()]
    assert response.get_json()["url"].startswith(f"/audio/vi/{prompt_key(QUESTION)}.webm?v=")
    assert "ffmpeg is not installed" in caplog.text
