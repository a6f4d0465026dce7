"""Satisfaction indices over many Likert items: per dimension, PAPI-style, the SIPAS index and the health ministry's.

Notation: respondent :math:`i` with weight :math:`w_i`, Likert item :math:`k` of dimension :math:`d`, answer
:math:`y_{ik} \\in \\{1..5\\}` (missing and "not applicable" left out), satisfied when :math:`y_{ik} \\in S`
(4 or 5 by default). Sums run over the valid answers of the group.

* Share satisfied of a dimension: :math:`\\sum_{i,k \\in d} w_i [y_{ik} \\in S] / \\sum_{i,k \\in d} w_i`.
* Mean score of a dimension: :math:`\\bar y_d = \\sum_{i,k \\in d} w_i y_{ik} / \\sum_{i,k \\in d} w_i`.
* PAPI-style dimension index, 0-10: :math:`10 (\\bar y_d - 1) / 4`; the total index is the unweighted sum over
  dimensions (0 to 10 x number of dimensions). As in the Provincial Governance and Public Administration
  Performance Index (PAPI, CECODES, VFF-CRT and UNDP Viet Nam, annual reports since 2009), where every
  dimension is put on a common 10-point scale and the provincial score is the sum of the dimension scores.
* SIPAS index (official reading, :func:`sipas_index`): the share satisfied of each criterion (item) :math:`k`,
  :math:`\\hat p_k = \\sum_i w_i [y_{ik} \\in S] / \\sum_i w_i`, averaged within each of the elements
  (dimensions), then the elements averaged: :math:`I = \\frac{1}{E} \\sum_e \\frac{1}{K_e} \\sum_{k \\in e}
  \\hat p_k`. Sources: Bộ Nội vụ, Quyết định 2640/QĐ-BNV ngày 10/10/2017 (Đề án "Đo lường sự hài lòng của người
  dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước giai đoạn 2017-2020"), continued by Quyết định
  1001/QĐ-BNV năm 2023 (Phương pháp đo lường … giai đoạn 2023-2026, mục I). The parts of these texts available
  here state the structure the index is built on: five elements of the service (tiếp cận dịch vụ; thủ tục hành
  chính; công chức trực tiếp giải quyết công việc; kết quả; tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị),
  22 criteria, and per element the citizen's assessment, satisfaction and expectation. The passage with the
  formula itself was not among the sources found, so this is the reading that follows that structure: each
  element is one component of the index and weighs the same whatever its number of questions. It is labelled
  as a reading in docs/methods.md and in the reports.
* Pooled share (:func:`pooled_share`): satisfied answers over all answers to all satisfaction items,
  :math:`\\sum_{i,k} w_i [y_{ik} \\in S] / \\sum_{i,k} w_i`. It is the health ministry's "tỷ lệ hài lòng chung"
  (:func:`health_satisfaction`), not the SIPAS index: an element with more questions weighs more in it.
* Health index (:func:`health_satisfaction`), Bộ Y tế, Quyết định 3869/QĐ-BYT ngày 28/8/2019 (mẫu phiếu và
  hướng dẫn phương pháp khảo sát hài lòng người bệnh): overall satisfaction rate = answers 4 or 5 to the questions
  of parts A-E over all answers to them; comprehensive satisfaction ("hài lòng toàn diện") = respondents whose
  every answer is 4 or 5 over all respondents; mean score per part = sum of scores over the number of answers.
  These formulas are quoted from the guidance of the Ministry's survey software (chatluongbenhvien.vn) as a
  secondary page reproduces it; the decision's own annex "Hướng dẫn phương pháp khảo sát" was not available
  here. Missing and "not applicable" answers are left out of both numerator and denominator.

Unweighted (``weight=None``) these are the official definitions; with weights each answer counts with its
respondent's weight.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from questionnaires.model import Questionnaire

from .grouping import group_codes
from .weights import Weight, weight_array

Items: TypeAlias = Questionnaire | Mapping[str, str]


def satisfaction_items(items: Items) -> dict[str, str]:
    """``{item_id: dimension}`` of the satisfaction items of a questionnaire (Likert items with a dimension,
    not demographics), or the mapping itself."""
    if isinstance(items, Questionnaire):
        return {i.id: i.dimension for i in items.items if i.is_satisfaction and i.dimension}
    if not isinstance(items, Mapping) or not items:
        raise ValueError("items: give a Questionnaire or a non-empty mapping {item_id: dimension}")
    return dict(items)


def dimension_scores(
    df: pd.DataFrame,
    items: Items,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
    satisfied: Collection[int] = (4, 5),
) -> pd.DataFrame:
    """Share satisfied, mean score and 0-10 index per dimension (and group); formulas in the module docstring.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``dimension``, ``share_satisfied``, ``mean_score``, ``index`` (0-10) and
        ``answers`` (number of valid answers), one row per group and dimension (dimensions in item order).
    """
    mapping = satisfaction_items(items)
    dimensions = list(dict.fromkeys(mapping.values()))
    total, happy, score, count, keys = _sums(df, mapping, dimensions, weight, by, satisfied)
    with np.errstate(divide="ignore", invalid="ignore"):
        share, mean = happy / total, score / total
    table = keys.loc[keys.index.repeat(len(dimensions))].reset_index(drop=True)
    table["dimension"] = dimensions * len(keys)
    table["share_satisfied"] = share.ravel()
    table["mean_score"] = mean.ravel()
    table["index"] = 10 * (mean.ravel() - 1) / 4
    table["answers"] = count.ravel().astype(np.int64)
    return table


def papi_index(
    df: pd.DataFrame,
    items: Items,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """PAPI-style total: the sum over dimensions of the 0-10 dimension indices, per group.

    Returns the ``by`` columns, ``papi_index`` and ``dimensions`` (how many were summed); NaN when a dimension
    has no answer in the group, since a sum over fewer dimensions is not comparable.
    """
    scores = dimension_scores(df, items, weight, by)
    columns = [c for c in scores.columns if c not in ("dimension", "share_satisfied", "mean_score", "index",
                                                      "answers")]
    n_dimensions = scores["dimension"].nunique()
    values = scores["index"].to_numpy().reshape(-1, n_dimensions)
    table = scores[columns].iloc[::n_dimensions].reset_index(drop=True)
    table["papi_index"] = values.sum(axis=1)
    table["dimensions"] = n_dimensions
    return table


def sipas_index(
    df: pd.DataFrame,
    items: Items,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
    satisfied: Collection[int] = (4, 5),
) -> pd.DataFrame:
    """SIPAS index (Bộ Nội vụ, QĐ 2640/QĐ-BNV 2017 and QĐ 1001/QĐ-BNV 2023): the share satisfied of each
    criterion (item) averaged within each element (dimension), then the elements averaged, per group (0-1).

    .. math:: I = \\frac{1}{E} \\sum_e \\frac{1}{K_e} \\sum_{k \\in e} \\hat p_k

    Every element weighs the same whatever its number of questions. The decisions' texts available here give
    the five elements and their criteria but not the formula's own passage; this is the reading that follows
    them (see the module docstring, which lists what was and was not available). :func:`pooled_share` is the
    other aggregation, under its own name.

    Items without an answer in the group are left out of their element's mean; an element without any answer
    makes the group's index NaN, since a mean over fewer elements is not the index.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``sipas_index``, ``elements`` (how many were averaged) and ``answers``.
    """
    mapping = satisfaction_items(items)
    per_item = {item_id: item_id for item_id in mapping}
    total, happy, _, count, keys = _sums(df, per_item, list(mapping), weight, by, satisfied)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = pd.DataFrame(happy / total, columns=list(mapping))
    elements = shares.T.groupby(pd.Series(mapping), sort=False).mean().T  # NaN items skipped within an element
    table = keys.copy()
    table["sipas_index"] = elements.mean(axis=1, skipna=False).to_numpy()
    table["elements"] = elements.notna().sum(axis=1).to_numpy()
    table["answers"] = count.sum(axis=1).astype(np.int64)
    return table


def pooled_share(
    df: pd.DataFrame,
    items: Items,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
    satisfied: Collection[int] = (4, 5),
) -> pd.DataFrame:
    """Satisfied answers over all answers to all satisfaction items, per group (0-1): every answer counts once,
    so an element with more questions weighs more. Not the SIPAS index (:func:`sipas_index`).

    Returns the ``by`` columns, ``pooled_share`` and ``answers``.
    """
    mapping = satisfaction_items(items)
    pooled = {item_id: "all" for item_id in mapping}
    total, happy, _, count, keys = _sums(df, pooled, ["all"], weight, by, satisfied)
    table = keys.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["pooled_share"] = (happy / total)[:, 0]
    table["answers"] = count[:, 0].astype(np.int64)
    return table


def health_satisfaction(
    df: pd.DataFrame,
    items: Items,
    weight: Weight = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The Ministry of Health's patient satisfaction figures (QĐ 3869/QĐ-BYT 2019), per group.

    * ``satisfaction_rate`` ("tỷ lệ hài lòng chung"): answers 4 or 5 to the questions of parts A-E over all
      answers to them (:func:`pooled_share` with 4-5);
    * ``comprehensive_rate`` ("tỷ lệ hài lòng toàn diện"): respondents whose every answer is 4 or 5 over the
      respondents who answered at least one question;
    * ``mean_score`` ("điểm trung bình"): sum of the answers over their number.

    Weighted, each answer or respondent counts with the respondent's weight. Sources and their limits are in
    the module docstring. Also returns ``answers`` and ``respondents``.
    """
    mapping = satisfaction_items(items)
    w = weight_array(df, weight)
    answered, happy = np.zeros(len(df)), np.zeros(len(df))
    for item in mapping:
        codes = likert_codes(df, item)
        answered += codes > 0
        happy += codes >= 4
    columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
    group, keys = group_codes(df, columns, "by")
    inside = group >= 0
    g, n_groups = group[inside], len(keys)
    every = ((answered > 0) & (happy == answered))[inside]
    someone = (answered > 0)[inside]
    rates = pooled_share(df, mapping, weight, by, satisfied=(4, 5))
    scores = _sums(df, {item: "all" for item in mapping}, ["all"], weight, by, (4, 5))
    table = keys.copy()
    table["satisfaction_rate"] = rates["pooled_share"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["comprehensive_rate"] = (np.bincount(g, w[inside] * every, n_groups)
                                       / np.bincount(g, w[inside] * someone, n_groups))
        table["mean_score"] = (scores[2] / scores[0])[:, 0]
    table["answers"] = rates["answers"].to_numpy()
    table["respondents"] = np.bincount(g, someone, n_groups).astype(np.int64)
    return table


def likert_distribution(df: pd.DataFrame, items: Sequence[str], weight: Weight = None) -> pd.DataFrame:
    """Weighted share of each answer 1..5 per item (rows ``items``, columns 1..5, plus ``n`` valid answers)."""
    w = weight_array(df, weight)
    rows = []
    for item in items:
        codes = likert_codes(df, item)
        totals = np.bincount(codes, weights=w, minlength=6)[1:6]
        valid = codes > 0
        rows.append(list(totals / totals.sum() if totals.sum() > 0 else np.full(5, np.nan)) + [int(valid.sum())])
    return pd.DataFrame(rows, index=pd.Index(list(items), name="item"), columns=[1, 2, 3, 4, 5, "n"])


def _sums(
    df: pd.DataFrame,
    mapping: Mapping[str, str],
    dimensions: list[str],
    weight: Weight,
    by: str | Sequence[str] | None,
    satisfied: Collection[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Weighted answers, satisfied answers, score and answer counts per (group, dimension).

    Each item costs two ``bincount`` passes on bins of (group, answer 0..5), 0 standing for no answer.
    """
    w = weight_array(df, weight)
    columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
    group, keys = group_codes(df, columns, "by")
    n_groups = len(keys)
    shape = (n_groups, len(dimensions))
    total, happy, score, count = (np.zeros(shape) for _ in range(4))
    accepted = sorted({int(v) for v in satisfied})
    if not set(accepted) <= {1, 2, 3, 4, 5}:
        raise ValueError(f"satisfied: answers must be among 1..5, not {sorted(satisfied)}")
    # Rows in no group go to a last group of bins that is dropped.
    start = np.where(group < 0, n_groups, group) * 6 if group.min(initial=0) < 0 else group * 6
    bins = (n_groups + 1) * 6
    for item, dimension in mapping.items():
        key = start + likert_codes(df, item)
        weighted = np.bincount(key, weights=w, minlength=bins)[: n_groups * 6].reshape(n_groups, 6)
        counted = np.bincount(key, minlength=bins)[: n_groups * 6].reshape(n_groups, 6)
        d = dimensions.index(dimension)
        total[:, d] += weighted[:, 1:].sum(axis=1)
        happy[:, d] += weighted[:, accepted].sum(axis=1)
        score[:, d] += weighted[:, 1:] @ np.arange(1.0, 6.0)
        count[:, d] += counted[:, 1:].sum(axis=1)
    return total, happy, score, count, keys


def likert_codes(df: pd.DataFrame, item: str) -> np.ndarray:
    """Answers of a Likert column as integers 1..5, and 0 where missing or "not applicable".

    Raises
    ------
    ValueError
        Naming the column and the values outside the questionnaire's codes 1..5 (e.g. 0, 7, 9 or 4.5), which
        would otherwise be counted as "not satisfied" without a word.
    """
    if item not in df.columns:
        raise ValueError(f"items: no column {item!r} in the data")
    column = df[item]
    if pd.api.types.is_integer_dtype(column.dtype):
        codes = column.to_numpy(dtype=np.int64, na_value=0)
        values = codes.astype(float)
        present = ~column.isna().to_numpy()
    else:
        try:
            values = column.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"item {item!r}: holds text, not Likert answers 1..5; correct the data") from None
        present = ~np.isnan(values)
        codes = np.where(present, values, 0.0).astype(np.int64)
    wrong = present & ((values < 1) | (values > 5) | (codes != values))
    if np.any(wrong):
        bad = sorted(set(values[wrong].tolist()))
        shown = [int(v) if float(v).is_integer() else v for v in bad[:5]]
        raise ValueError(f"item {item!r}: values {shown} are not Likert answers 1..5; correct the data")
    return codes.astype(np.intp)
