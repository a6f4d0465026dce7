"""Sphinx configuration of the documentation site (``sphinx-build -W -b html docs docs/_build/html``).

The user guide is in Vietnamese (its readers are provincial officials), the operations guide, the methods and the
API reference in English. The API pages are generated from the docstrings of :mod:`analysis` and
:mod:`questionnaires` (numpydoc style), so they cannot drift from the code; ``tests/test_house.py`` builds the site
with warnings as errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the packages of this checkout, not an installed copy

project = "Citizen satisfaction survey"
author = "The project's contributors"
copyright = "the project's contributors, MIT licence"  # noqa: A001 - Sphinx's name
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

# Docstrings: numpydoc sections; members in source order; no class-member tables (each member has its entry).
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's "Parameters" already give the types, in words a reader knows
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# docs/methods.md is also read on GitHub: its headings are its anchors, and links to code files stay plain text.
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]

html_theme = "alabaster"
html_title = "Citizen satisfaction survey"
html_static_path: list[str] = []
