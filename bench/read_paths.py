"""Where the time of ``read_database`` goes on a large campaign, stage by stage, and what the other read paths cost.

Issue 15 asks for ``read_database`` of 1 M responses in under 3 s. This script times, each on its own, the parts
any reader of the JSON ``answers`` column has to pay, so that a path can be judged before it is built:

* ``scan``: the database reading every answers text and summing lengths (no extraction, nothing sent);
* ``extract``: the same with every item pulled out by the database (SQLite: one multi-path ``json_extract`` per
  row, today's path; PostgreSQL: ``->>`` per item), still summing lengths in the database;
* ``lines``: the database gluing each response into one JSON line (leading columns as ``@`` keys, no parsing)
  and sending all lines as one byte string (SQLite ``group_concat``; PostgreSQL ``string_agg``);
* ``fetch leading`` / ``fetch answers``: the driver handing the leading columns, or the answers texts, to Python
  as row tuples;
* ``orjson``: decoding the fetched answers texts into dicts (one JSON array, one call);
* ``polars``: parsing the ``lines`` bytes into Arrow string columns on every core (``polars.read_ndjson`` with a
  typed schema from the questionnaires);
* ``read_database`` (with ``--full``): today's reader end to end, including ``tidy``.

Run: ``PYTHONPATH=. python3 bench/read_paths.py --db sqlite:///instance/export-bench-1000000.sqlite [--full]``
(``bench/export_bench.py`` builds that file: one campaign of 1 M responses over 300 units). Any SQLAlchemy URL
of a database with the project schema works, PostgreSQL included. Needs ``polars`` and ``orjson`` (bench extra).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import questionnaires  # noqa: E402
from analysis.answers import item_specs  # noqa: E402

LEADING = ("id", "campaign_id", "unit_id", "questionnaire_id", "questionnaire_version", "channel", "locale",
           "submitted_on", "comment_hidden")


def timed(label: str, work: Callable[[], Any]) -> Any:
    """Run ``work`` once and print its wall and CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(f"{label:<16} {time.perf_counter() - start:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU",
          flush=True)
    return result


def line_sql(dialect: str) -> str:
    """One JSON line per response: the leading columns as ``@`` keys, then the stored answers' own keys."""
    if dialect == "sqlite":
        quote, text, hidden = "json_quote({})", "{}", "coalesce(comment_hidden, 0)"
    else:
        quote, text, hidden = "coalesce(to_json({})::text, 'null')", "{}::text", "(comment_hidden::int)"
    rest = f"ltrim(substr(ltrim({text.format('answers')}), 2))"
    keys = ["'\"@i\":' || id", "'\"@c\":' || campaign_id", "'\"@u\":' || unit_id",
            "'\"@q\":' || " + quote.format("questionnaire_id"), "'\"@v\":' || questionnaire_version",
            "'\"@ch\":' || " + quote.format("channel"), "'\"@lo\":' || " + quote.format("locale"),
            "'\"@d\":' || " + quote.format("submitted_on"), f"'\"@h\":' || coalesce({hidden}, 0)"]
    glued = " || ',' || ".join(keys)
    return f"'{{' || {glued} || CASE WHEN substr({rest}, 1, 1) = '}}' THEN '}}' ELSE ',' || {rest} END"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a database with the project schema")
    parser.add_argument("--campaign", type=int, default=1)
    parser.add_argument("--full", action="store_true", help="also time read_database end to end")
    args = parser.parse_args()
    forms = questionnaires.load_directory()
    specs = item_specs(forms)
    engine = sa.create_engine(args.db)
    dialect = engine.dialect.name
    where = f"WHERE campaign_id = {int(args.campaign)}"
    with engine.connect() as connection:
        def one(sql: str) -> Any:
            return connection.exec_driver_sql(sql).scalar()

        count = one(f"SELECT count(*) FROM responses {where}")
        print(f"{dialect}: {count} responses, {len(specs)} items in the questionnaires")
        answers = "answers" if dialect == "sqlite" else "answers::text"
        timed("scan", lambda: one(f"SELECT sum(length({answers})) FROM responses {where}"))
        if dialect == "sqlite":
            paths = ", ".join(f"'$.\"{i}\"'" for i in specs)
            extract = f"sum(length(json_extract(answers, {paths})))"
        else:
            extract = "sum(" + " + ".join(f"coalesce(length(answers::jsonb ->> '{i}'), 0)" for i in specs) + ")"
        timed("extract", lambda: one(f"SELECT {extract} FROM responses {where}"))
        if dialect == "sqlite":
            joined = f"cast(group_concat(line, char(10)) AS blob) FROM (SELECT {line_sql(dialect)} AS line"
        else:
            joined = f"convert_to(string_agg(line, E'\\n'), 'UTF8') FROM (SELECT {line_sql(dialect)} AS line"
        lines = bytes(timed("lines", lambda: one(f"SELECT {joined} FROM responses {where}) AS l")))
        timed("fetch leading", lambda: connection.exec_driver_sql(
            f"SELECT {', '.join(LEADING)} FROM responses {where} ORDER BY id").fetchall())
        texts = timed("fetch answers", lambda: [row[0] for row in connection.exec_driver_sql(
            f"SELECT {answers} FROM responses {where} ORDER BY id")])
    import orjson
    import polars as pl

    timed("orjson", partial(orjson.loads, "[" + ",".join(texts) + "]"))
    del texts
    schema = {"@i": pl.Int64, "@c": pl.Int64, "@u": pl.Int64, "@q": pl.String, "@v": pl.Int64, "@ch": pl.String,
              "@lo": pl.String, "@d": pl.String, "@h": pl.Int64, **{i: pl.String for i in specs}}
    timed("polars", partial(pl.read_ndjson, io.BytesIO(lines), schema=schema))
    del lines
    if args.full:
        from analysis.data import read_database

        timed("read_database", lambda: read_database(engine, args.campaign, forms))
    engine.dispose()


if __name__ == "__main__":
    main()
