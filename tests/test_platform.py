"""The platform package stays below the domain, and its Flask shortcut answers as Flask does."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from flask import Flask

import survey_app
from survey_app.platform.application import SurveyFlask

PACKAGE = Path(survey_app.__file__).parent
PLATFORM = PACKAGE / "platform"


def imported_modules(path: Path, package: str) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, as an absolute dotted name (relative imports resolved against ``package``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
            for name in names:
                yield node.lineno, name


def test_the_platform_imports_nothing_from_the_domain() -> None:
    upward = [f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
              for path in sorted(PLATFORM.glob("*.py"))
              for line, name in imported_modules(path, "survey_app.platform")
              if (name == "survey_app" or name.startswith("survey_app."))
              and not name.startswith("survey_app.platform")]
    assert upward == []


@pytest.mark.parametrize("library", ["analysis", "questionnaires"])
def test_the_libraries_import_neither_flask_nor_the_web_application(library: str) -> None:
    root = PACKAGE.parent / library
    upward = [f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
              for path in sorted(root.rglob("*.py"))
              for line, name in imported_modules(path, ".".join(path.relative_to(PACKAGE.parent).parent.parts))
              if name.split(".")[0] in ("survey_app", "flask", "flask_babel", "flask_sqlalchemy", "werkzeug")]
    assert upward == []


def test_the_import_reader_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from ..models import Unit\nfrom .. import demo\nfrom .extensions import db\n")
    assert list(imported_modules(module, "survey_app.platform")) == [
        (1, "survey_app.models"), (2, "survey_app.demo"), (3, "survey_app.platform.extensions")]


def wrapping(app: Flask, func: Callable[..., Any]) -> str:
    """What ``ensure_sync`` does with ``func``: returns it, wraps it, or refuses it (and why)."""
    try:
        sync = app.ensure_sync(func)
    except RuntimeError as error:  # a coroutine view without Flask's "async" extra
        return f"refused: {error}"
    return "returned as is" if sync is func else "wrapped"


def test_hooks_are_wrapped_as_flask_wraps_them() -> None:
    def view() -> str:
        return "page"

    async def coroutine_view() -> str:
        return "page"

    ours, flasks = SurveyFlask(__name__), Flask(__name__)
    for func in (view, coroutine_view, ours.make_response):
        assert [wrapping(ours, func) for _ in range(2)] == [wrapping(flasks, func)] * 2, func
    assert wrapping(ours, view) == "returned as is"


def test_flask_is_asked_once_per_function() -> None:
    def view() -> str:
        return "page"

    app = SurveyFlask(__name__)
    with mock.patch.object(Flask, "ensure_sync", side_effect=lambda func: func) as asked:
        for _ in range(3):
            app.ensure_sync(view)
    assert asked.call_count == 1
