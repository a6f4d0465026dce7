"""The data behind a campaign's reports: the tidy response frame with design weights, and the unit list.

Reading goes through :func:`analysis.data.read_database`, so the web reports and ``python -m analysis`` start
from the very same frame. The weight is :func:`analysis.design_weights` with each unit's service volume: a
unit that served 10 000 people counts for more of a sector's rate than one that served 300, whatever the
number of respondents each had. Inside one unit the weight is constant, so a unit's own rate is its plain
share of satisfied respondents.

A unit without a usable volume (none, or 0) gets weight 0: it is listed with a note and left out of the
weighted totals, instead of failing every report of the campaign. A unit whose volume is smaller than its
respondents counts each respondent once (weight 1), also with a note (``volume_notes``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import select

from analysis import rake
from analysis.grouping import factorize
from analysis.margins import with_not_stated
from analysis.strata import rows_strata, unit_strata
from analysis.weights import unit_design_weights, unit_values

from ..collation import sort_key
from ..models import Campaign, CampaignUnit, Unit
from ..platform.extensions import db
from ..questionnaire_registry import registry
from ..revision import CampaignState
from .buffers import Growing
from .cache import fingerprint, report_cache
from .census import CensusMargins, load_margins, margins_path
from .mirror import Mirror, mirrored

WEIGHT = "weight"
DESIGN_WEIGHT = "design_weight"
#: Prefix of the raking variables as raked on (with the "not stated" category filled in).
CALIBRATED = "raked_on_"
#: Columns of the stratified design of the reports: the unit, and its service volume for the FPC.
STRATUM, STRATUM_SIZE = "stratum", "stratum_size"
#: Respondents a row of :meth:`CampaignData.cells` stands for.
COUNT = "respondents_in_cell"
UNIT_COLUMNS = ("unit_id", "code", "name", "sector", "level", "area", "questionnaire_id", "service_volume",
                "target")


@dataclass(frozen=True)
class CampaignData:
    """One campaign's responses (``frame``, with a ``weight`` column) and its units (``units``, one row each)."""

    campaign_id: int
    frame: pd.DataFrame
    units: pd.DataFrame
    key: CampaignState
    volume_notes: Mapping[int, str] = field(default_factory=dict)
    #: The columns the weight was raked on (empty: design weights only), the census source and the share of
    #: respondents without a value per variable (their "not stated" category, see analysis.margins).
    calibration: tuple[str, ...] = ()
    census_source: str | None = None
    not_stated: Mapping[str, float] = field(default_factory=dict)
    #: Why the census margins could not be used (the reports then stay design-weighted), see
    #: :func:`.findings.raking_problem_text`.
    raking_problem: ValueError | None = None
    #: Each response's unit code and the counts per unit (see :class:`Design`); ``None`` for an empty frame.
    design: Design | None = field(default=None, compare=False, repr=False)

    def unit(self, unit_id: int) -> pd.Series:
        return self.units.loc[self.units["unit_id"] == unit_id].iloc[0]

    def respondents(self, unit_id: int) -> int:
        """Number of responses of one unit (every response, whatever it answered)."""
        return self.unit_respondents.get(unit_id, 0)

    def unit_rows(self, unit_id: int) -> pd.DataFrame:
        """The responses of one unit: its own figures (shares, means, indices: no variance) are sums over
        them alone, the same as over the whole frame grouped by unit.

        Only the columns of the unit's questionnaire are taken, with every column that is not a questionnaire
        item: the other questionnaires' items are empty for this unit, and taking a few thousand rows costs
        pandas about a millisecond per column (measured: 75 ms for the 65 columns of the three shipped
        questionnaires at a million responses)."""
        if not len(self.frame):
            return self.frame
        memo = self.__dict__.setdefault("_unit_rows", {})
        if unit_id not in memo:
            frame = self.frame[self._unit_columns(unit_id)]
            if self.design is None:
                memo[unit_id] = frame.loc[frame["unit_id"].to_numpy() == unit_id]
            else:
                memo[unit_id] = frame.iloc[self.design.rows_of(unit_id)]
        return memo[unit_id]  # type: ignore[no-any-return]

    def _unit_columns(self, unit_id: int) -> list[str]:
        forms = registry()
        found = self.units.loc[self.units["unit_id"] == unit_id, "questionnaire_id"]
        own = forms.get(str(found.iloc[0])) if len(found) else None
        if own is None:
            return list(self.frame.columns)
        others = {item.id for form in forms.values() for item in form.items} - {item.id for item in own.items}
        return [column for column in self.frame.columns if column not in others]

    def cells(self, item: str, weight: str = WEIGHT) -> pd.DataFrame | None:
        """The campaign collapsed to one row per unit and answer to ``item`` (missing included), with the
        unit's columns, ``weight`` and the number of respondents in :data:`COUNT`: the sufficient statistics
        of every rate grouped by units (unit, sector, area, level, province) with the design stratified by
        unit (:func:`analysis.satisfaction_rates` with ``frequency=COUNT`` gives the same figures as on the
        whole frame). ``None`` when the weight is not constant within each unit (raked weights): then only
        the whole frame will do. Kept per item on this state of the campaign.
        """
        memo = self.__dict__.setdefault("_cells", {})
        if (item, weight) not in memo:
            if self.design is not None and not self.calibration and weight == WEIGHT and item in self.frame.columns:
                memo[item, weight] = self.design.cells(self.frame, item, weight)
            else:
                memo[item, weight] = _collapsed(self.frame, item, weight)
        return memo[item, weight]  # type: ignore[no-any-return]

    @cached_property
    def unit_respondents(self) -> dict[int, int]:
        """Responses per unit (units with at least one), counted once per state of the campaign."""
        if not len(self.frame):
            return {}
        if self.design is not None:
            return dict(zip(self.design.units.tolist(), self.design.respondents.tolist(), strict=True))
        counts = self.frame["unit_id"].value_counts(sort=False)
        return {int(unit): int(n) for unit, n in zip(counts.index.to_numpy(), counts.to_numpy(), strict=True)}


#: Columns constant within a unit that the rate tables group, stratify or weight by.
UNIT_LEVEL = ("unit_id", "sector", "area", "level", STRATUM, STRATUM_SIZE)


def _collapsed(frame: pd.DataFrame, item: str, weight: str) -> pd.DataFrame | None:
    """One row per (unit, answer) of ``frame`` with its :data:`COUNT` (see :meth:`CampaignData.cells`)."""
    if not len(frame) or item not in frame.columns or weight not in frame.columns:
        return None
    units, unit_keys = factorize(frame["unit_id"])
    first = np.empty(len(unit_keys), dtype=np.intp)
    first[units] = np.arange(len(frame))  # a row of each unit (its unit-level values are the same in every row)
    w = frame[weight].to_numpy(dtype=float, na_value=np.nan)
    for column in (weight, STRATUM, STRATUM_SIZE):
        if column in frame.columns:
            numbers = w if column == weight else frame[column].to_numpy(dtype=float, na_value=np.nan)
            same = numbers == numbers[first][units]
            if not np.all(same | (np.isnan(numbers) & np.isnan(numbers[first][units]))):
                return None
    counts, values = _answer_counts(units, len(unit_keys), frame[item])
    return _cells_frame(frame, item, weight, counts, values, first)


def _answer_counts(codes: np.ndarray, units: int, column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Respondents per unit (``codes``) × answer to one item, column 0 for no answer, and the answers in order
    of first appearance."""
    answers, values = pd.factorize(column, use_na_sentinel=True)
    width = len(values) + 1
    flat = np.bincount(codes * width + answers + 1, minlength=units * width)
    return flat.reshape(units, width), pd.Index(values)


def _cells_frame(frame: pd.DataFrame, item: str, weight: str, counts: np.ndarray, values: pd.Index,
                 row_of_unit: np.ndarray) -> pd.DataFrame:
    """One row per (unit, answer) with a respondent: the unit's columns (from one of its rows in ``frame``), its
    ``weight``, the answer and the :data:`COUNT` of respondents."""
    width = counts.shape[1]
    flat = counts.ravel()
    present = np.flatnonzero(flat)
    rows = row_of_unit[present // width]
    level = [c for c in UNIT_LEVEL if c in frame.columns]
    out = frame[level].iloc[rows].reset_index(drop=True)
    out[weight] = frame[weight].to_numpy(dtype=float, na_value=np.nan)[rows]
    out[item] = values.take(present % width - 1, allow_fill=True).array
    out[COUNT] = flat[present]
    return out


class Design:
    """A campaign frame's design worked out per unit, so that a frame grown by a few responses (the mirror
    appended them) updates it from its new rows alone instead of passing over a million rows again.

    ``codes`` is each row's unit code (units sorted by id, as :func:`analysis.grouping.factorize` numbers them),
    ``units`` the unit ids by code, ``respondents`` and ``volumes`` one count and one service volume per unit:
    the design weights (:func:`analysis.weights.unit_design_weights`) and strata (:func:`analysis.strata.
    unit_strata`) follow from these alone. ``answers`` holds, for each item whose cells were asked for, the
    respondents per unit × answer (column 0: no answer) and the answers in order of first appearance, as
    :func:`pandas.factorize` of the whole column would give them: the cells of :meth:`CampaignData.cells` are
    the same, row for row, as :func:`_collapsed` computes them on the whole frame (a test holds them equal).
    The per-row arrays (codes, stratum, stratum size) grow in place (:class:`.buffers.Growing`) while no earlier
    row changes; a unit reaching its second respondent changes its stratum, and is worked out whole.
    A response of a unit not seen yet renumbers the units, and a volume that changes is an error or a new
    weight for the whole unit: both are left to a whole pass (:meth:`of`), as is an answer never given before.
    """

    def __init__(self, units: np.ndarray, respondents: np.ndarray, volumes: np.ndarray, row_of_unit: np.ndarray,
                 rows: tuple[Growing, Growing, Growing], length: int,
                 answers: dict[str, tuple[np.ndarray, pd.Index]] | None = None) -> None:
        self.units, self.respondents, self.volumes = units, respondents, volumes
        self.row_of_unit = row_of_unit  # a row of each unit: its unit-level columns are the same in every row
        self.strata = unit_strata(respondents)
        self._rows, self.length = rows, length
        self.codes, self.stratum, self.stratum_size = (store.view()[:length] for store in rows)
        self.answers = dict(answers or {})
        self._unit_rows: dict[int, np.ndarray] = {}  # positions of a unit's rows, by code, once asked for
        self._lock = threading.Lock()

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Design:
        """The design of a whole frame (one pass)."""
        codes, units = factorize(frame["unit_id"])
        if np.any(codes < 0):
            raise ValueError(f"unit: {int(np.count_nonzero(codes < 0))} response(s) have no unit_id")
        volumes = unit_values(frame["service_volume"].to_numpy(dtype=float, na_value=np.nan), codes, len(units),
                              "service_volume")
        row_of_unit = np.empty(len(units), dtype=np.intp)
        row_of_unit[codes] = np.arange(len(frame))
        respondents = np.bincount(codes, minlength=len(units))
        stratum, size = rows_strata(unit_strata(respondents), codes, volumes)
        return cls(units.to_numpy(), respondents, volumes, row_of_unit,
                   (Growing(codes), Growing(stratum), Growing(size)), len(frame))

    def grown(self, frame: pd.DataFrame) -> Design | None:
        """The design of ``frame``, whose first :attr:`length` rows are this design's frame, from its new rows
        alone; ``None`` when only a whole pass will do (see the class docstring)."""
        tail = frame.iloc[self.length:]
        position = pd.Index(self.units).get_indexer(tail["unit_id"].to_numpy())
        if np.any(position < 0):
            return None
        volumes = tail["service_volume"].to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(volumes)
        if not np.array_equal(volumes[known], self.volumes[position[known]]):
            return None
        respondents = self.respondents + np.bincount(position, minlength=len(self.units))
        strata = unit_strata(respondents)
        if not _same_strata(strata, self.strata):
            return None
        stratum, size = rows_strata(strata, position, self.volumes)
        rows = tuple(store.extend(self.length, values) for store, values in
                     zip(self._rows, (position, stratum, size), strict=True))
        if any(grown is None for grown in rows):
            return None  # another thread grew this design first: rare, a whole pass is always right
        answers = {}
        with self._lock:
            kept = dict(self.answers)
        for item, (counts, values) in kept.items():
            column = tail[item]
            found = values.get_indexer(pd.Index(column.array))
            missing = column.isna().to_numpy()
            if np.any((found < 0) & ~missing):
                continue  # an answer never given before: counted again whole if asked for
            grown_counts = counts.copy()
            np.add.at(grown_counts, (position, np.where(missing, 0, found + 1)), 1)
            answers[item] = (grown_counts, values)
        grown = Design(self.units, respondents, self.volumes, self.row_of_unit, self._rows, len(frame), answers)
        with self._lock:
            kept_rows = dict(self._unit_rows)
        for code in np.unique(position).tolist():  # the units that answered: their new positions added
            if code in kept_rows:
                kept_rows[code] = np.concatenate([kept_rows[code], self.length + np.flatnonzero(position == code)])
                kept_rows[code].flags.writeable = False
        grown._unit_rows = kept_rows  # the others' rows have not moved
        return grown

    def rows_of(self, unit_id: int) -> np.ndarray:
        """Positions of one unit's rows."""
        code = int(np.searchsorted(self.units, unit_id))
        if code >= len(self.units) or self.units[code] != unit_id:
            return np.empty(0, dtype=np.intp)
        with self._lock:
            found = self._unit_rows.get(code)
        if found is None:
            found = np.flatnonzero(self.codes == code)
            found.flags.writeable = False  # shared by the designs grown from this one
            with self._lock:
                self._unit_rows[code] = found
        return found

    def cells(self, frame: pd.DataFrame, item: str, weight: str) -> pd.DataFrame:
        """The collapsed cells of ``item`` (see :meth:`CampaignData.cells`), the frame carrying this design's
        ``weight``, stratum and stratum size."""
        with self._lock:
            if item not in self.answers:
                self.answers[item] = _answer_counts(self.codes, len(self.units), frame[item])
            counts, values = self.answers[item]
        return _cells_frame(frame, item, weight, counts, values, self.row_of_unit)


def _same_strata(one: np.ndarray | None, other: np.ndarray | None) -> bool:
    if one is None or other is None:
        return one is other
    return bool(np.array_equal(one, other))


#: Extension key of the worker's latest design per campaign (see :func:`_design`).
DESIGNS_KEY = "reports_designs"
_designs_lock = threading.Lock()


def _design(campaign_id: int, mirror: Mirror) -> Design:
    """The design of the mirror's frame: grown from the worker's design of the frame the mirror grew from
    when there is one, else worked out whole."""
    held_all: dict[int, tuple[CampaignState, Design]] = current_app.extensions.setdefault(DESIGNS_KEY, {})
    with _designs_lock:
        held = held_all.get(campaign_id)
    design = None
    if held is not None and mirror.grown_from == held[0] and mirror.grown_from_length == held[1].length:
        design = held[1].grown(mirror.frame)
    if design is None:
        design = Design.of(mirror.frame)
    with _designs_lock:
        latest = held_all.get(campaign_id)
        if latest is None or (latest[0].revision, latest[0].received) <= (mirror.state.revision,
                                                                           mirror.state.received):
            held_all[campaign_id] = (mirror.state, design)
    return design


def campaign_data(campaign_id: int) -> CampaignData:
    """The campaign's data, cached until a response arrives or anything that alters a report changes.

    The responses come from the worker's mirror of the campaign, which reads only the newer ones when it can.
    """
    key = fingerprint(campaign_id)
    path = margins_path(campaign_id)
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return report_cache().get_or_build(("data", campaign_id, key, stamp), lambda: _load(campaign_id, key))


def _load(campaign_id: int, key: CampaignState) -> CampaignData:
    # The units change only with a new revision (a unit joining, leaving, renamed, a volume corrected): kept
    # across new responses, which only raise the count received.
    units = report_cache().get_or_build(("units", campaign_id, key.revision), lambda: campaign_units(campaign_id))
    mirror = mirrored(campaign_id, key)
    frame = mirror.frame
    notes: dict[int, str] = {}
    design = None
    if len(frame):
        # The design weights and strata of analysis.design_weights and analysis.strata.design_strata, from
        # counts per unit kept up to date with the mirror (a whole pass only when the mirror was read whole).
        design = _design(campaign_id, mirror)
        per_unit, volume_notes = unit_design_weights(design.units, design.volumes, design.respondents, "note")
        notes = {int(u): reason for u, reason in volume_notes.items()}
        # Joined, not assigned: assigning a column copies its array (40 ms for three at a million responses).
        design_columns = pd.DataFrame({WEIGHT: per_unit[design.codes], STRATUM: design.stratum,
                                       STRATUM_SIZE: design.stratum_size}, index=frame.index, copy=False)
        frame = pd.concat([frame, design_columns], axis=1)
    else:
        frame = frame.assign(**{WEIGHT: pd.Series(dtype=float)})
    data = CampaignData(campaign_id, frame, units, key, notes, design=design)
    census = load_margins(campaign_id)
    return data if census is None or not len(frame) else _raked(data, census)


def _raked(data: CampaignData, census: CensusMargins) -> CampaignData:
    """The data with its weight raked to the census margins (design weights kept as ``design_weight``).

    Respondents who skipped a weighting question keep their place in a "not stated" category whose share is
    estimated from the design-weighted sample (:func:`analysis.margins.with_not_stated`). When raking is
    impossible (e.g. a census category without any respondent), the reports stay design-weighted and say why.
    """
    frame = data.frame
    try:
        filled, margins, estimated = with_not_stated(frame, census.margins, frame[WEIGHT])
        raked = rake(filled, margins, frame[WEIGHT])
    except ValueError as error:
        return replace(data, census_source=census.source, raking_problem=error)
    columns = {variable: f"{CALIBRATED}{variable}" for variable in margins}
    out = frame.assign(**{DESIGN_WEIGHT: frame[WEIGHT], WEIGHT: raked.to_numpy()}, **{  # type: ignore[arg-type]
        columns[v]: filled[v].astype(str).to_numpy() for v in margins})
    return replace(data, frame=out, calibration=tuple(columns.values()), census_source=census.source,
                   not_stated=estimated)


def campaign_units(campaign_id: int) -> pd.DataFrame:
    """Every unit of the campaign (also those without a response yet), with its questionnaire's target."""
    rows = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.sector, Unit.level, CampaignUnit.area,
               CampaignUnit.questionnaire_id, CampaignUnit.service_volume)
        .join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
        .where(CampaignUnit.campaign_id == campaign_id)
        .order_by(Unit.sector, Unit.name)
    ).all()
    units = pd.DataFrame(rows, columns=list(UNIT_COLUMNS[:-1]))
    units["target"] = [target_of(q, s) for q, s in zip(units["questionnaire_id"], units["sector"], strict=True)]
    # Vietnamese alphabetical order within a sector (SQL's order of names depends on the database).
    order = sorted(range(len(units)), key=lambda i: (units["sector"].iat[i], sort_key(units["name"].iat[i])))
    return units.iloc[order].reset_index(drop=True)


def target_of(questionnaire_id: str, sector: str) -> float:
    """The target rate of a unit's questionnaire (one-stop 90 %, health and education 80 %)."""
    forms = registry()
    if questionnaire_id in forms:
        return forms[questionnaire_id].target
    return sector_targets()[sector]


def sector_targets() -> dict[str, float]:
    """Target per sector, from the questionnaires served (the first questionnaire of a sector decides)."""
    targets: dict[str, float] = {}
    for form in registry().values():
        targets.setdefault(form.sector, form.target)
    return targets


def earlier_campaigns(campaign: Campaign) -> list[Campaign]:
    """This campaign and those that started before it, oldest first: the points of a trend line."""
    return list(db.session.scalars(
        select(Campaign).where(Campaign.starts_on <= campaign.starts_on).order_by(Campaign.starts_on, Campaign.id)
    ))
