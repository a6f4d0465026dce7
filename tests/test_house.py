"""The house rules CI holds besides behaviour: the code type-checks and the documentation site builds.

Both run the real tools in a subprocess, from the project's root, with the settings of ``setup.cfg`` (mypy) and
``docs/conf.py`` (Sphinx), so a failure here reads exactly as the tool's output on a developer's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: mypy's cache, kept between runs (keyed by file contents and mypy's version, so reuse is safe): 1 s of CPU
#: instead of 38 from cold on the 2-core development machine.
CACHE = Path(tempfile.gettempdir()) / f"citizen-survey-house-{os.getuid() if hasattr(os, 'getuid') else 0}"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)


def test_mypy_finds_no_error() -> None:
    """``setup.cfg`` names the packages: strict for analysis and questionnaires, default mode for survey_app."""
    result = run("-m", "mypy", "--cache-dir", str(CACHE / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("Success: no issues found"), result.stdout


def test_the_documentation_site_builds_without_a_warning(tmp_path: Path) -> None:
    """``sphinx-build -W``: a broken reference, a docstring numpydoc cannot read or a guide that lost a page fails."""
    # A fresh environment every time: Sphinx does not notice a changed docstring in a saved one.
    result = run("-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", str(tmp_path / "html"))
    assert result.returncode == 0, result.stdout + result.stderr
    pages = {p.relative_to(tmp_path / "html").as_posix() for p in (tmp_path / "html").rglob("*.html")}
    assert {"index.html", "guide/campaign.html", "guide/reports.html", "guide/languages.html", "operations.html",
            "methods.html", "api/analysis.html", "api/questionnaires.html"} <= pages
    api = (tmp_path / "html" / "api" / "analysis.html").read_text(encoding="utf-8")
    assert "satisfaction_rates" in api and "svyciprop" in api  # generated from the docstrings
