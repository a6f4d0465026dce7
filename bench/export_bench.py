"""Streamed raw-responses export of a large campaign: time to first byte, total time and peak memory.

    PYTHONPATH=. python3 bench/export_bench.py [--rows 1000000] [--formats csv,xlsx] [--database PATH]

The first run builds a SQLite database of one campaign with ``--rows`` responses over 300 units (100 per
sector, each with its own questionnaire's items, about a tenth with a comment), 90 days, written with bulk
``executemany`` inserts; later runs reuse it (``instance/export-bench-<rows>.sqlite``). Then each format is
downloaded by a fresh Python process through the application's own route (``/reports/<id>/responses.<fmt>``,
Flask's test client with ``buffered=False``, so the body is read chunk by chunk as a WSGI server would send
it), which prints:

* time to first byte: from the request to the first chunk of the body;
* total: until the last chunk, with the bytes and rows sent;
* peak RSS of that process (``VmHWM``), and its RSS before the request (the application, loaded and warm).

The bars of issue 15: first byte < 0.5 s and peak < 300 MB at a million rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS_PER_SECTOR = 100
DAYS = 90
SECTORS = ("one_stop", "health", "education")
COMMENTS = ("Cán bộ nhiệt tình, hướng dẫn rõ ràng.", "Phải chờ lâu quá", "Phòng chờ nóng, thiếu ghế ngồi.",
            "Thủ tục nhanh gọn.", "Nên có thêm chỗ để xe.")


def build(path: Path, rows: int) -> None:
    """A campaign of ``rows`` responses over 300 units and 90 days, inserted in bulk."""
    sys.path.insert(0, str(ROOT))
    import questionnaires
    from survey_app import create_app
    from survey_app.models import Campaign, CampaignUnit, Unit, User
    from survey_app.platform.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    forms = questionnaires.load_directory()
    with app.app_context():
        db.create_all()
        campaign = Campaign(name="Khảo sát Quý IV/2026", starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 29),
                            status="closed")
        for number in range(UNITS_PER_SECTOR * len(SECTORS)):
            sector = SECTORS[number % len(SECTORS)]
            unit = Unit(code=f"U{number:04d}", name=f"Đơn vị {number} ({sector})", sector=sector,
                        level="commune", area=f"Khu vực {number % 12}")
            campaign.units.append(CampaignUnit(unit=unit, questionnaire_id=sector,
                                               service_volume=500 + 37 * number))
        admin = User(email="admin@bench.local", role="province_admin", name="admin")
        admin.set_password("bench-password")
        db.session.add_all([campaign, admin])
        db.session.commit()
        campaign_id = campaign.id
        units = [(cu.unit_id, cu.questionnaire_id) for cu in campaign.units]
    rng = random.Random(15)
    templates = {sector: _answer_maker(forms[sector], rng) for sector in SECTORS}
    start = date(2026, 10, 1)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    insert = ("INSERT INTO responses (campaign_id, unit_id, questionnaire_id, questionnaire_version, channel, "
              "locale, submitted_on, answers, submission_id, comment_hidden) VALUES (?,?,?,?,?,?,?,?,?,?)")
    began, batch = time.perf_counter(), []
    for number in range(rows):
        unit_id, sector = units[rng.randrange(len(units))]
        day = (start + timedelta(days=rng.randrange(DAYS))).isoformat()
        batch.append((campaign_id, unit_id, sector, 1, "kiosk" if number % 3 else "qr", "vi", day,
                      templates[sector](), f"bench-{number}", 0))
        if len(batch) == 50_000:
            connection.executemany(insert, batch)
            batch = []
    connection.executemany(insert, batch)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    print(f"built {rows:,} responses in {time.perf_counter() - began:.1f} s: {path} "
          f"({path.stat().st_size / 1e6:.0f} MB)")


def _answer_maker(form, rng: random.Random):  # type: ignore[no-untyped-def]
    """A function drawing one response's answers JSON for ``form`` (fast: choices drawn from small tables)."""
    choices = []
    for item in form.items:
        if item.type == "likert5":
            choices.append((item.id, [1, 2, 3, 4, 4, 4, 5, 5, 5, "na" if item.role != "overall" else 5]))
        elif item.type == "yes_no":
            choices.append((item.id, ["yes", "no", "no", "no"]))
        elif item.type == "single":
            choices.append((item.id, [o.code for o in item.options]))
        elif item.type == "text":
            choices.append((item.id, [*COMMENTS, *([None] * 45)]))

    def make() -> str:
        answers = {}
        for key, values in choices:
            value = values[rng.randrange(len(values))]
            if value is not None:
                answers[key] = value
        return json.dumps(answers, ensure_ascii=False)

    return make


def measure(path: Path, fmt: str) -> None:
    """In this (fresh) process: download the export once and print the figures."""
    sys.path.insert(0, str(ROOT))
    from survey_app import create_app
    from survey_app.auth import staff_session
    from survey_app.models import Campaign, User
    from survey_app.platform.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    with app.app_context():
        campaign_id = db.session.scalars(db.select(Campaign.id)).first()
        user = db.session.scalars(db.select(User).where(User.email == "admin@bench.local")).one()
        user_key = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_key
        session[staff_session.SEEN_KEY] = int(time.time())
        session["_fresh"] = True
    client.get(f"/reports/{campaign_id}/codebook.csv")  # warm: questionnaires, catalogs, first query
    before = _rss("VmRSS")
    began = time.perf_counter()
    response = client.get(f"/reports/{campaign_id}/responses.{fmt}", buffered=False)
    first = None
    size = lines = 0
    for chunk in response.response:
        if first is None and chunk:
            first = time.perf_counter() - began
        size += len(chunk)
        lines += chunk.count(b"\n") if fmt == "csv" else 0
    total = time.perf_counter() - began
    response.close()
    rows = f", {lines - 1:,} rows" if fmt == "csv" else ""
    print(f"{fmt:>4}: first byte {first:.3f} s, total {total:.1f} s, {size / 1e6:.0f} MB sent{rows}; "
          f"peak RSS {_rss('VmHWM') / 1024:.0f} MB (application before the request {before / 1024:.0f} MB)")


def _rss(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--database", type=Path)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: the child process
    args = parser.parse_args()
    path = args.database or ROOT / "instance" / f"export-bench-{args.rows}.sqlite"
    if args.measure:
        measure(path, args.measure)
        return
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path, args.rows)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for fmt in args.formats.split(","):
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--database", str(path),
                        "--measure", fmt], check=True, env=env)


if __name__ == "__main__":
    main()
