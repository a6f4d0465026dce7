"""The Alembic migration that gave links to units keeps every printed address working: each campaign's old token
opens its unit's QR page (and never the kiosk route, since it was printed); downgrading gives the tokens back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from survey_app import create_app
from survey_app.platform.extensions import db
from tests.conftest import BACKENDS, CheckingClient
from tests.survey.conftest import SMALL_ANSWERS, SMALL_QUESTIONNAIRE, fill

BEFORE = "2822f0a295d3"


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no table at all, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    server = request.getfixturevalue("postgres")
    url = server.create_database(template=None)
    yield url
    server.drop_database(url)


def test_printed_campaign_tokens_become_aliases_of_their_unit(tmp_path: Path, empty_url: str) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "one_stop.yaml").write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    app = create_app({"TESTING": True, "SECRET_KEY": "m", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": empty_url,
                      "QUESTIONNAIRE_DIR": str(folder)})
    today = date.today()
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(text(
            "INSERT INTO units (id, code, name, sector, level, district, default_locale) VALUES "
            "(1, 'MC-BABE', 'Một cửa Ba Bể', 'one_stop', 'district', 'Ba Bể', 'vi'), "
            "(2, 'MC-PAC', 'Một cửa Pác Nặm', 'one_stop', 'district', 'Pác Nặm', 'vi')"))
        db.session.execute(text(
            "INSERT INTO campaigns (id, name, starts_on, ends_on, status, created_at) VALUES "
            "(1, 'Quý III', :q3_start, :q3_end, 'closed', :now), (2, 'Quý IV', :q4_start, :q4_end, 'open', :now)"),
            {"q3_start": today - timedelta(days=120), "q3_end": today - timedelta(days=30), "now": today,
             "q4_start": today - timedelta(days=29), "q4_end": today + timedelta(days=60)})
        db.session.execute(text(
            "INSERT INTO campaign_units (campaign_id, unit_id, questionnaire_id, service_volume, token, "
            "receipt_codes_required) VALUES (1, 1, 'one_stop', 10, 'printed-q3-babe', false), "
            "(2, 1, 'one_stop', 10, 'printed-q4-babe', false), (2, 2, 'one_stop', 10, 'printed-q4-pac', false)"))
        db.session.commit()
        upgrade()
        units = db.session.execute(text("SELECT id, qr_token, kiosk_token FROM units ORDER BY id")).all()
        tokens = [token for _, qr, kiosk in units for token in (qr, kiosk)]
        assert len(set(tokens)) == 4 and all(len(token) >= 20 for token in tokens)
        aliases = db.session.execute(text("SELECT token, unit_id, channel, replaced_on FROM link_aliases "
                                          "ORDER BY token")).all()
        assert [tuple(row) for row in aliases] == [("printed-q3-babe", 1, "legacy", None),
                                                   ("printed-q4-babe", 1, "legacy", None),
                                                   ("printed-q4-pac", 2, "legacy", None)]
    app.test_client_class = CheckingClient
    client = app.test_client()
    assert fill(client, "/s/printed-q3-babe", SMALL_ANSWERS).status_code == 303  # last quarter's poster
    assert fill(client, "/s/printed-q4-pac", SMALL_ANSWERS).status_code == 303
    assert client.get("/k/printed-q4-babe").status_code == 410  # printed: no longer a kiosk address
    assert fill(client, f"/k/{units[0].kiosk_token}/questions", SMALL_ANSWERS).status_code == 303
    with app.app_context():
        counted = db.session.execute(text("SELECT campaign_id, unit_id, channel FROM responses ORDER BY id")).all()
        assert [tuple(row) for row in counted] == [(2, 1, "qr"), (2, 2, "qr"), (2, 1, "kiosk")]
        db.session.remove()
        db.engine.dispose()  # also the connection kept for inserts: PostgreSQL's ALTER TABLE waits for every reader
        downgrade(revision=BEFORE)
        back = db.session.execute(text("SELECT campaign_id, unit_id, token FROM campaign_units ORDER BY id")).all()
        assert [tuple(row) for row in back] == [(1, 1, "printed-q3-babe"), (2, 1, "printed-q4-babe"),
                                                (2, 2, "printed-q4-pac")]
        db.session.remove()
        upgrade()
        db.session.remove()
        db.engine.dispose()
