"""Synthetic survey data with a known structure, for demonstrations, tests and the benchmark.

The respondents are deliberately unlike the population (more women, more Kinh, more young people, more
answers from the big central units) so that weighting visibly matters. Everything is drawn from the
``numpy.random.Generator`` passed in, so a seed gives the same data on every machine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from questionnaires.model import Item, Option, Questionnaire, Section

from . import schema

#: Population shares used as raking margins (a plausible Mekong-delta province).
POPULATION_MARGINS: dict[str, dict[str, float]] = {
    "gender": {"female": 0.505, "male": 0.49, "other": 0.005},
    "age_group": {"18_29": 0.24, "30_44": 0.31, "45_59": 0.27, "60_plus": 0.18},
    "ethnicity": {"kinh": 0.62, "tay": 0.17, "nung": 0.08, "hmong": 0.06, "dao": 0.05, "other": 0.02},
}
_SAMPLE_SHARES = {
    "gender": (0.61, 0.38, 0.01),
    "age_group": (0.34, 0.33, 0.22, 0.11),
    "ethnicity": (0.78, 0.12, 0.05, 0.02, 0.02, 0.01),
}
_DIMENSIONS = ("access", "procedures", "staff", "results", "feedback")
_TARGETS = {"one_stop": 0.90, "health": 0.80, "education": 0.80}
AREAS = ("Thành phố Trung Tâm", "Huyện Tân Phú", "Huyện Hồng Ngự", "Thị xã Cao Lãnh", "Huyện Đồng Xuân",
         "Huyện Châu Thành", "Huyện Lấp Vò", "Huyện Tháp Mười", "Huyện Tam Nông", "Huyện Thanh Bình")


def questionnaire(sector: str) -> Questionnaire:
    """A small questionnaire of the given sector: three demographics, nine Likert items in five dimensions,
    the overall item, a yes/no, a multi-choice, a number and a comment."""
    choice = [("gender", tuple(POPULATION_MARGINS["gender"])), ("age_group", tuple(POPULATION_MARGINS["age_group"])),
              ("ethnicity", tuple(POPULATION_MARGINS["ethnicity"]))]
    demographics = tuple(
        Item(id=i, type="single", text=i, options=tuple(Option(c, c) for c in codes), role="demographic",
             weighting_variable=i)
        for i, codes in choice
    )
    likert = tuple(
        Item(id=f"{d}_{k}", type="likert5", text=f"{d} {k}", dimension=d)
        for d in _DIMENSIONS for k in ((1, 2) if d != "feedback" else (1,))
    )
    other = (
        Item(id="overall", type="likert5", text="Overall", role="overall"),
        Item(id="informal_fee", type="yes_no", text="Paid an informal fee", required=False),
        Item(id="channels", type="multi", text="Channels used", required=False,
             options=(Option("counter", "Counter"), Option("online", "Online"), Option("phone", "Phone"))),
        Item(id="visits", type="number", text="Visits needed", required=False, min=1, max=20),
        Item(id="comment", type="text", text="Comment", required=False),
    )
    sections = (Section("about", "About you", demographics), Section("service", "Service", likert + other))
    return Questionnaire(id=sector, version=1, sector=sector, target=_TARGETS[sector], title=sector,
                         sections=sections)


@dataclass(frozen=True)
class SimulatedSurvey:
    """Units of one campaign, its responses as stored (one column per item, raw values) and the margins."""

    questionnaires: dict[str, Questionnaire]
    units: pd.DataFrame
    responses: pd.DataFrame
    margins: dict[str, dict[str, float]]


def simulate_survey(
    n_responses: int,
    n_units: int,
    rng: np.random.Generator,
    campaign_id: int = 1,
    questionnaires: Mapping[str, Questionnaire] | None = None,
) -> SimulatedSurvey:
    """Draw ``n_responses`` responses over ``n_units`` units (ids ``1..n_units``) of one campaign.

    Each unit uses the questionnaire of its sector from ``questionnaires`` (by default the small synthetic
    ones of :func:`questionnaire`; pass ``questionnaires.load_directory()`` for the shipped ones). Answers
    follow a latent satisfaction per unit, higher for men; items of another questionnaire are absent.
    """
    if n_units < 1 or n_responses < 0:
        raise ValueError(f"n_units must be >= 1 and n_responses >= 0, not {n_units} and {n_responses}")
    forms = dict(questionnaires) if questionnaires is not None else {s: questionnaire(s) for s in _TARGETS}
    by_sector = {q.sector: q for q in forms.values()}
    units = _units(n_units, rng, {s: q.id for s, q in by_sector.items()})
    popularity = units["service_volume"].to_numpy(dtype=float) ** 1.3
    unit_index = rng.choice(n_units, size=n_responses, p=popularity / popularity.sum())
    frame = pd.DataFrame({
        "response_id": np.arange(1, n_responses + 1),
        "campaign_id": campaign_id,
        "unit_id": units["id"].to_numpy()[unit_index],
        "questionnaire_id": units["questionnaire_id"].to_numpy()[unit_index],
        "questionnaire_version": np.array([forms[q].version for q in units["questionnaire_id"]])[unit_index],
        "channel": np.array(["kiosk", "qr"], dtype=object)[(rng.random(n_responses) < 0.3).astype(int)],
        "locale": np.array(["vi", "en", "km"], dtype=object)[rng.choice(3, n_responses, p=(0.9, 0.04, 0.06))],
        "submitted_on": pd.Timestamp("2025-03-01")
        + pd.to_timedelta(rng.integers(0, 30, n_responses), unit="D"),
    })
    latent = units["quality"].to_numpy()[unit_index] + rng.normal(0.0, 0.8, n_responses)
    columns: dict[str, np.ndarray] = {}
    for q in forms.values():
        rows = frame["questionnaire_id"].to_numpy() == q.id
        for item in sorted(q.items, key=lambda i: i.role != "demographic"):  # demographics first: they shift
            values = _answers(item, int(rows.sum()), latent[rows], rng)
            if item.weighting_variable == "gender":
                latent[rows] += 0.25 * (values == "male")
            columns.setdefault(item.id, np.full(n_responses, None, dtype=object))[rows] = values
    order = list(dict.fromkeys(i.id for q in forms.values() for i in q.items))
    frame = pd.concat([frame, pd.DataFrame({i: columns[i] for i in order}, dtype=object)], axis=1)
    return SimulatedSurvey(forms, units.drop(columns="quality"), frame, POPULATION_MARGINS)


def _answers(item: Item, n: int, latent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Stored values of one item for ``n`` respondents (None where not answered)."""
    draw = rng.random(n)
    if item.type == "likert5":
        score = np.clip(np.rint(latent + rng.normal(0.0, 0.7, n)), 1, 5).astype(int)
        score[draw < 0.03] = 6
        score[draw < (0.01 if item.role == "overall" else 0.015)] = 0
        stored: np.ndarray = np.array([None, 1, 2, 3, 4, 5, "na"], dtype=object)[score]
        return stored
    codes = [o.code for o in item.options]
    if item.type == "single":
        known = POPULATION_MARGINS.get(item.weighting_variable or item.id, {})
        shares = _SAMPLE_SHARES.get(item.weighting_variable or item.id)
        if shares is None or list(known) != codes:
            shares = tuple(np.full(len(codes), 1 / len(codes)))
        return np.array(codes, dtype=object)[rng.choice(len(codes), n, p=shares)]
    if item.type == "yes_no":
        yes = draw < 0.25 - 0.04 * (latent - 3.9)
        answers = np.where(yes, "yes", "no").astype(object)
        answers[rng.random(n) < 0.1] = None
        return answers
    if item.type == "multi":
        chosen = rng.random((n, len(codes))) < 0.4
        lists = np.empty(n, dtype=object)
        lists[:] = [[c for c, on in zip(codes, row, strict=True) if on] or None for row in chosen.tolist()]
        return lists
    if item.type == "number":
        low, high = int(item.min if item.min is not None else 0), int(item.max if item.max is not None else 10)
        values = rng.integers(low, min(high, low + 5) + 1, n).astype(object)
        values[draw < 0.1] = None
        return values
    comments = np.array([None, "Nhân viên nhiệt tình, chu đáo.", "Phải chờ lâu quá.", "Cần thêm chỗ ngồi."],
                        dtype=object)
    return comments[rng.choice(4, n, p=(0.94, 0.02, 0.02, 0.02))]


def _units(n_units: int, rng: np.random.Generator, forms: Mapping[str, str]) -> pd.DataFrame:
    ids = np.arange(1, n_units + 1)
    sectors = np.array(list(forms), dtype=object)[ids % len(forms)]
    levels = np.where(ids <= max(1, n_units // 20), "province", "commune")  # the two tiers since 1 July 2025
    volume = np.where(levels == "province", 20000, np.where(ids % 4 == 0, 6000, 1500))
    return pd.DataFrame({
        "id": ids,
        "code": [f"U{i:04d}" for i in ids],
        "name": [f"Đơn vị {i} – {s.replace('_', ' ')}" for i, s in zip(ids, sectors, strict=True)],
        "sector": sectors,
        "level": levels,
        "area": np.array(AREAS, dtype=object)[ids % len(AREAS)],
        "default_locale": "vi",
        "service_volume": (volume * rng.uniform(0.6, 1.4, n_units)).astype(int),
        "questionnaire_id": [forms[s] for s in sectors],
        "quality": rng.normal(3.9, 0.35, n_units),
    })


def answers_json(responses: pd.DataFrame, item_ids: list[str]) -> list[str]:
    """The ``answers`` JSON text of every response: item values keyed by item id, absent when missing."""
    columns = [responses[i].to_numpy(dtype=object) for i in item_ids]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return [dumps({k: v for k, v in zip(item_ids, row, strict=True) if _present(v)})
            for row in zip(*columns, strict=True)]


def _present(value: object) -> bool:
    """False for None and NaN (how pandas may hold a missing raw value)."""
    return value is not None and not (isinstance(value, float) and value != value)


def write_database(survey: SimulatedSurvey, url: str) -> None:
    """Store the survey (its units, campaign and responses) in a new database at ``url``.

    Creates the tables of :mod:`analysis.schema` where missing, so it also fills a database made by the web
    application's migrations (SQLite or PostgreSQL). Bulk inserts: a million responses take about a minute.
    """
    engine = sa.create_engine(url)
    schema.metadata.create_all(engine)
    frame = survey.responses
    campaign_id = int(frame["campaign_id"].iloc[0]) if len(frame) else 1
    item_ids = list(dict.fromkeys(i.id for q in survey.questionnaires.values() for i in q.items))
    rows = {
        "id": frame["response_id"].to_numpy(), "campaign_id": frame["campaign_id"].to_numpy(),
        "unit_id": frame["unit_id"].to_numpy(), "questionnaire_id": frame["questionnaire_id"].to_numpy(),
        "questionnaire_version": frame["questionnaire_version"].to_numpy(), "channel": frame["channel"].to_numpy(),
        "locale": frame["locale"].to_numpy(),
        "submitted_on": frame["submitted_on"].dt.strftime("%Y-%m-%d").to_numpy(),
        "answers": answers_json(frame, item_ids),
        "submission_id": [f"s{campaign_id}-{i}" for i in frame["response_id"]],
        "comment_hidden": [False] * len(frame),
    }
    with engine.begin() as connection:
        connection.execute(schema.campaigns.insert(), [{
            "id": campaign_id, "name": f"Campaign {campaign_id}", "status": "closed", "starts_on": date(2025, 3, 1),
            "ends_on": date(2025, 3, 31), "created_at": datetime(2025, 2, 1)}])
        units = survey.units.drop(columns=["service_volume", "questionnaire_id", "area"])
        unit_rows = [{**{str(column): value for column, value in row.items()},
                      "area": "", "qr_token": f"q{row['id']}", "kiosk_token": f"k{row['id']}"}
                     for row in units.to_dict("records")]
        connection.execute(schema.units.insert(), unit_rows)
        connection.execute(schema.campaign_units.insert(), [
            {"campaign_id": campaign_id, "unit_id": int(u["id"]), "questionnaire_id": u["questionnaire_id"],
             "service_volume": int(u["service_volume"]), "quota": 400,
             "receipt_codes_required": False, "area": u["area"]}
            for u in survey.units.to_dict("records")
        ])
        names = list(rows)
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        columns = [values.tolist() if isinstance(values, np.ndarray) else values for values in rows.values()]
        connection.exec_driver_sql(
            f"INSERT INTO responses ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})",
            list(zip(*columns, strict=True)),
        )
    engine.dispose()

