"""What a worker loads at start: not the PDF, DOCX and chart libraries, which only printing and charts need.

Every worker process holds what it imported for its whole life. fpdf2 (~35 MB with its font tools), matplotlib
(~15 MB before pyplot) and python-docx (~6 MB) are used by posters, receipt sheets, PDF/DOCX reports and chart
images only, so they are imported on first use: a worker streaming a million-response export then peaks under
the 300 MB of issue 15 (measured by bench/export_bench.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

LOADED = """
import json, sys
from survey_app import create_app
app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_request_context():
    app.url_map.bind("localhost").build("reports.campaign_pdf", {"campaign_id": 1})
print(json.dumps(sorted(name for name in ("fpdf", "matplotlib", "docx") if name in sys.modules)))
"""


def test_a_worker_starts_without_the_printing_and_chart_libraries() -> None:
    done = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_printing_modules_still_import_their_libraries_when_used() -> None:
    from survey_app.admin.poster import new_pdf

    assert new_pdf("Ba Bể").output()[:5] == b"%PDF-"
