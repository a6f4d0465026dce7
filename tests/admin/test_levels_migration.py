"""The migration to levels as data carries existing data over: each unit's district becomes its area, every campaign
keeps the grouping its units had, and the levels in use (district included) are listed beside the two tiers."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade

from survey_app import create_app
from survey_app.platform.extensions import db

BEFORE = "2822f0a295d3"


def test_districts_become_areas_and_stay_with_old_campaigns(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision=BEFORE)
        run = db.session.execute
        run(db.text("INSERT INTO units (id, code, name, sector, level, district, default_locale) VALUES "
                    "(1, 'MC-BABE', 'Một cửa huyện Ba Bể', 'one_stop', 'district', 'Ba Bể', 'vi'), "
                    "(2, 'MC-NAMMAU', 'Một cửa xã Nam Mẫu', 'one_stop', 'commune', 'Ba Bể', 'vi'), "
                    "(3, 'TT-TINH', 'Trung tâm tỉnh', 'one_stop', 'province', '', 'vi')"))
        run(db.text("INSERT INTO campaigns (id, name, starts_on, ends_on, status, created_at) VALUES "
                    "(1, 'Quý II/2025', '2025-04-01', '2025-06-30', 'closed', '2025-03-20 00:00:00')"))
        run(db.text("INSERT INTO campaign_units (id, campaign_id, unit_id, questionnaire_id, service_volume, token, "
                    "receipt_codes_required) VALUES (1, 1, 1, 'one_stop', 100, 't1', 0), "
                    "(2, 1, 2, 'one_stop', 50, 't2', 0), (3, 1, 3, 'one_stop', 500, 't3', 0)"))
        db.session.commit()
        upgrade()
        assert run(db.text("SELECT code, area FROM units ORDER BY id")).all() == [
            ("MC-BABE", "Ba Bể"), ("MC-NAMMAU", "Ba Bể"), ("TT-TINH", "")]
        assert run(db.text("SELECT unit_id, area FROM campaign_units ORDER BY id")).all() == [
            (1, "Ba Bể"), (2, "Ba Bể"), (3, "")]
        assert run(db.text("SELECT code FROM levels ORDER BY position")).scalars().all() == [
            "province", "district", "commune"]
