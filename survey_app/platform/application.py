"""Flask's application class with one request-path shortcut: coroutine checks remembered per function."""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask


class SurveyFlask(Flask):
    """Flask, remembering which of its hooks and views are coroutine functions.

    Flask asks ``inspect.iscoroutinefunction`` about every hook and view on every request — about ten times for a
    survey page — and the answer never changes for a function. Bound methods are asked afresh, as Flask does (a
    new object each time, so remembering them would only grow the memo).
    """

    _checked: dict[FunctionType, Callable[..., Any]]

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        checked = self.__dict__.setdefault("_checked", {})
        sync = checked.get(func)
        if sync is None:
            sync = super().ensure_sync(func)
            if len(checked) < 4096:
                checked[func] = sync
        return sync
