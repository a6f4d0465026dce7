"""``read_database`` (multi-path ``json_extract`` on SQLite, bulk JSON parsing elsewhere) gives exactly the frame
that pulling each item out with the database's own JSON functions gives, on SQLite and PostgreSQL, whatever the
answers: comments hidden by moderation, multi-choice lists, "not applicable", absent items."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import schema
from analysis.data import read_database, tidy
from analysis.database import LEADING_COLUMNS, raw_columns

TYPES = {"q1": "likert5", "q2": "likert5", "fee": "yes_no", "gender": "single", "channels": "multi",
         "visits": "number", "comment": "text", "other_text": "text"}
# What the survey forms store: no surrogates, no control characters but line breaks and tabs (forms.py strips
# them; PostgreSQL's JSONB refuses a NUL, and SQLite's json_extract cuts a text at one).
TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"], include_characters="\n\t"), max_size=12)
VALUES = {
    "likert5": st.one_of(st.integers(1, 5), st.just("na")),
    "yes_no": st.sampled_from(["yes", "no"]),
    "single": st.sampled_from(["male", "female", "other", "=cmd|' /C calc'!A0"]),
    "multi": st.lists(st.sampled_from(["phone", "web", "kiosk", "post"]), unique=True, max_size=4),
    "number": st.one_of(st.integers(0, 10**6), st.integers(0, 10**4).map(lambda n: n / 4)),
    "text": TEXT,
}
ANSWERS = st.fixed_dictionaries({}, optional={item: VALUES[kind] for item, kind in TYPES.items()})
RESPONSES = st.lists(st.tuples(ANSWERS, st.booleans(), st.integers(1, 3), st.integers(0, 3)), max_size=25)


def _store(engine: sa.Engine, responses: list[tuple[dict[str, Any], bool, int, int]]) -> None:
    with engine.begin() as connection:
        for table in (schema.responses, schema.campaign_units, schema.units, schema.campaigns):
            connection.execute(table.delete())
        connection.execute(schema.campaigns.insert(), [{"id": 1, "name": "C", "status": "open",
                                                        "created_at": datetime(2026, 1, 1)}])
        connection.execute(schema.units.insert(), [
            {"id": u, "code": f"U{u}", "name": f"Đơn vị {u}", "sector": "one_stop", "level": "commune"}
            for u in (1, 2, 3)])
        connection.execute(schema.campaign_units.insert(), [
            {"campaign_id": 1, "unit_id": u, "questionnaire_id": "f", "service_volume": 100 * u, "area": f"A{u % 2}"}
            for u in (1, 2, 3)])
        if responses:
            connection.execute(schema.responses.insert(), [
                {"id": n, "campaign_id": 1, "unit_id": unit, "questionnaire_id": "f", "questionnaire_version": 1,
                 "channel": "qr", "locale": "vi", "submitted_on": date(2026, 3, 1 + day), "answers": answers,
                 "submission_id": f"s{n}", "comment_hidden": hidden}
                for n, (answers, hidden, unit, day) in enumerate(responses, start=1)])


def _by_sql(engine: sa.Engine) -> pd.DataFrame:
    """Today's reference: each item pulled out by the database (``json_extract`` / ``->``), hidden comments
    blanked, then typed by :func:`tidy` like the bulk reader's columns."""
    raw = {c: v for c, v in raw_columns(engine, 1, TYPES).items() if c in LEADING_COLUMNS}
    r = schema.responses
    if engine.dialect.name == "sqlite":
        items = [sa.func.json_extract(sa.type_coerce(r.c.answers, sa.Text), f'$."{i}"') for i in TYPES]
    else:
        items = [sa.cast(r.c.answers, sa.dialects.postgresql.JSONB)[i] for i in TYPES]
    with engine.connect() as connection:
        rows = connection.execute(sa.select(r.c.comment_hidden, *items).where(r.c.campaign_id == 1)
                                  .order_by(r.c.id)).all()
    for position, (item, kind) in enumerate(TYPES.items(), start=1):
        values = [row[position] for row in rows]
        if kind == "multi":
            values = [";".join(json.loads(v) if isinstance(v, str) else v) if v is not None else None for v in values]
        if kind == "text":
            values = [None if row[0] else v for row, v in zip(rows, values, strict=True)]
        raw[item] = pd.Series(values, dtype=object).to_numpy()
    return tidy(raw, TYPES)


@pytest.mark.postgres
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(responses=RESPONSES)
def test_read_database_equals_the_sql_extraction(engines: list[sa.Engine],
                                               responses: list[tuple[dict[str, Any], bool, int, int]]) -> None:
    for engine in engines:
        _store(engine, responses)
        pd.testing.assert_frame_equal(read_database(engine, 1, TYPES), _by_sql(engine))
