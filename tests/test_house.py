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
#: Kept between runs (the tools' caches are keyed by file contents and tool versions, so reuse is safe).
CACHE = Path(tempfile.gettempdir()) / f"citizen-survey-house-{os.getuid() if hasattr(os, 'getuid') else 0}"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)


def test_mypy_finds_no_error() -> None:
    """``setup.cfg`` names the packages: strict for analysis and questionnaires, default mode for survey_app."""
    result = run("-m", "mypy", "--cache-dir", str(CACHE / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("Success: no issues found"), result.stdout
