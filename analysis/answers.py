"""Stored answer values to typed columns: the one place that knows how each item type is written down.

A raw column holds, per response, what the database or the CSV export holds for one item: ``likert5`` an
integer 1..5 or ``"na"``; ``yes_no`` ``"yes"``/``"no"``; ``single`` an option code; ``multi`` a list of codes
(a JSON array text from the database, ``"a;b"`` in the CSV); ``number`` a number; ``text`` a string; and
``None``/NaN/empty when the item was not answered. Values are recoded through their distinct values
(``pandas.factorize``), so the cost per row is one hash lookup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires.model import ITEM_TYPES, NOT_APPLICABLE, Questionnaire

MULTI_SEPARATOR = ";"


@dataclass(frozen=True)
class ItemSpec:
    """What the analysis needs of an item: its type and, for ``single``/``multi``, its option codes."""

    type: str
    options: tuple[str, ...] = ()


def item_specs(questionnaires: Any) -> dict[str, ItemSpec]:
    """Item specifications from questionnaires or from an explicit ``{item_id: type}`` mapping.

    Parameters
    ----------
    questionnaires : Mapping[str, Questionnaire], iterable of Questionnaire, or Mapping[str, str]
        As returned by ``questionnaires.load_directory()``, or item types given by hand.

    Raises
    ------
    ValueError
        If a type is not one of the item types, or two questionnaires give one item id different types.
    """
    if isinstance(questionnaires, Questionnaire):
        questionnaires = [questionnaires]
    values = list(questionnaires.values()) if isinstance(questionnaires, Mapping) else list(questionnaires)
    if values and all(isinstance(v, str) for v in values) and isinstance(questionnaires, Mapping):
        specs = {str(k): ItemSpec(v) for k, v in questionnaires.items()}
    else:
        specs = {}
        for q in values:
            if not isinstance(q, Questionnaire):
                raise ValueError(f"questionnaires: expected Questionnaire objects or {{item: type}}, got {q!r}")
            for item in q.items:
                options = tuple(o.code for o in item.options)
                known = specs.get(item.id)
                if known is not None and known.type != item.type:
                    raise ValueError(f"questionnaires: item {item.id!r} is {known.type} in one questionnaire "
                                     f"and {item.type} in {q.id!r}; give it another id")
                merged = known.options + tuple(o for o in options if o not in known.options) if known else options
                specs[item.id] = ItemSpec(item.type, merged)
    for item_id, spec in specs.items():
        if spec.type not in ITEM_TYPES:
            raise ValueError(f"questionnaires: item {item_id!r} has type {spec.type!r}; allowed: {ITEM_TYPES}")
    return specs


def distinct_values(values: Sequence[Any] | pd.Series | np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for missing or blank) and distinct values; lists become ``;``-joined strings first.

    A ``Categorical`` (columns read from packed blocks) already is codes and distinct values: they are taken as
    they are, so typing a million answers does not look at each one.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    uniques: Any
    if isinstance(values, pd.Categorical):
        codes, uniques = np.asarray(values.codes), list(values.categories)
    else:
        array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        try:
            codes, uniques = pd.factorize(array, use_na_sentinel=True)
        except TypeError:  # unhashable lists of a multi item
            joined = [MULTI_SEPARATOR.join(map(str, v)) if isinstance(v, (list, tuple)) else v for v in array]
            codes, uniques = pd.factorize(np.array(joined, dtype=object), use_na_sentinel=True)
    distinct = list(uniques)
    blank = [i for i, u in enumerate(distinct) if isinstance(u, str) and u.strip() == ""]
    if blank:
        codes = np.where(np.isin(codes, blank), -1, codes)
    return codes, distinct


def _lookup(codes: np.ndarray, table: list[Any], missing: Any) -> np.ndarray:
    """``table[code]``, with ``missing`` for code -1."""
    looked_up: np.ndarray = np.asarray(table + [missing], dtype=object if missing is None else None)[codes]
    return looked_up


def _likert(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if value.strip().lower() == NOT_APPLICABLE:
            return 0
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number in (1, 2, 3, 4, 5) else None


def _multi_codes(value: Any) -> tuple[str, ...]:
    text = str(value).strip()
    if text.startswith("["):
        return tuple(str(v) for v in json.loads(text))
    return tuple(part for part in text.split(MULTI_SEPARATOR) if part)


def convert(item_id: str, spec: ItemSpec, values: Sequence[Any] | pd.Series) -> dict[str, pd.Series | Any]:
    """Typed column(s) of one item: ``{column name: array}`` (one column per option for ``multi``).

    Raises
    ------
    ValueError
        Naming the item and the unexpected values, e.g. a Likert answer of 7.
    """
    codes, distinct = distinct_values(values)
    if spec.type == "likert5":
        table = [_likert(v) for v in distinct]
        _reject(item_id, distinct, [t is None for t in table], "1..5 or 'na'")
        numbers = _lookup(codes, [int(t or 0) for t in table], 0).astype(np.int64)
        return {item_id: pd.arrays.IntegerArray(numbers, numbers == 0)}
    if spec.type == "yes_no":
        flags = [str(v).strip().lower() if isinstance(v, (str, bool)) else None for v in distinct]
        flags = [{"yes": "yes", "true": "yes", "no": "no", "false": "no"}.get(f or "") for f in flags]
        _reject(item_id, distinct, [f is None for f in flags], "'yes' or 'no'")
        answer = _lookup(codes, [f == "yes" for f in flags], False).astype(bool)
        return {item_id: pd.arrays.BooleanArray(answer, codes < 0)}
    if spec.type == "multi":
        return _convert_multi(item_id, spec, codes, distinct)
    if spec.type == "number":
        numbers = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce").to_numpy(dtype=float)
        _reject(item_id, distinct, list(np.isnan(numbers)), "a number")
        result = _lookup(codes, list(numbers), np.nan).astype(float)
        return {item_id: pd.array(result, dtype="Float64")}
    texts = pd.array([str(v) for v in distinct], dtype="string")
    return {item_id: texts.take(codes, allow_fill=True)}


def _convert_multi(item_id: str, spec: ItemSpec, codes: np.ndarray, distinct: list[Any]) -> dict[str, Any]:
    chosen = [_multi_codes(v) for v in distinct]
    observed = sorted({c for combo in chosen for c in combo})
    options = spec.options or tuple(observed)
    unknown = sorted(set(observed) - set(options))
    if unknown:
        raise ValueError(f"item {item_id!r}: unknown option codes {unknown[:5]}; allowed: {list(options)}")
    columns: dict[str, Any] = {}
    for option in options:
        flags = _lookup(codes, [option in combo for combo in chosen], False).astype(bool)
        columns[f"{item_id}.{option}"] = pd.arrays.BooleanArray(flags, codes < 0)
    return columns


def _reject(item_id: str, distinct: list[Any], bad: Iterable[bool], expected: str) -> None:
    wrong = [v for v, b in zip(distinct, bad, strict=True) if b]
    if wrong:
        raise ValueError(f"item {item_id!r}: values {wrong[:5]} are not {expected}; correct the data or the item type")


def infer_spec(values: Sequence[Any] | pd.Series | np.ndarray, from_csv: bool = False) -> ItemSpec:
    """Guess an item's type from its values when no questionnaire is given.

    Lists (or JSON arrays, or in a CSV ``;``-joined codes) give ``multi``; only 1..5 and ``"na"`` give
    ``likert5``; only yes/no give ``yes_no``; only numbers give ``number``; anything else ``single`` (a
    ``text`` item gives the same ``string`` column). A number item answered only with 1..5 is taken for a
    Likert item, and a CSV multi item answered only with single codes for ``single``: pass the questionnaires
    to be sure.
    """
    array = values.to_numpy(object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    try:
        pd.factorize(array)
    except TypeError:  # lists
        return ItemSpec("multi")
    _, distinct = distinct_values(array)
    if not distinct:
        return ItemSpec("text")
    as_text = [str(v).strip() for v in distinct]
    if all(t.startswith("[") for t in as_text) or (from_csv and any(MULTI_SEPARATOR in t for t in as_text)):
        return ItemSpec("multi")
    if all(_likert(v) is not None for v in distinct):
        return ItemSpec("likert5")
    if {t.lower() for t in as_text} <= {"yes", "no"}:
        return ItemSpec("yes_no")
    numeric = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
    if not numeric.isna().any() and not any(isinstance(v, bool) for v in distinct):
        return ItemSpec("number")
    return ItemSpec("single")
