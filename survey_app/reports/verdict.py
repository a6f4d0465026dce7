"""A group's result against its target in plain words: the official verdict, the certainty, the comparisons.

Two questions are asked of every rate, and a director needs both answered:

* **The official verdict.** Government practice compares the point estimate with the target as the provincial
  plan states it ("đạt trên 90 %"): ``≥`` or ``>``, per questionnaire (``target_rule``). No sampling error
  enters this verdict; it is the one that goes into the report to the People's Committee.
* **The certainty.** The rate comes from a sample, so the 95 % confidence interval says where the true rate
  lies. When the interval holds the target, the sample cannot yet tell whether the target is really reached,
  and the sentence says how many more answers would settle it (computed by
  :func:`analysis.additional_respondents`, never guessed). It never stops at "not yet known".

Comparisons say how far the unit stands from its sector, the province and its previous campaign, in points.
This module only builds sentences from figures it is given (see :class:`Standing`); the figures come from
:mod:`analysis` through :mod:`survey_app.reports.standing`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires.model import reaches_target

from .. import formats

#: How the target's inequality is written ("≥ 90 %", "> 80 %").
RULE_SIGNS = {"at_least": "≥", "above": ">"}
#: What a unit of each sector is called in a sentence ("this hospital", not "this agency").
UNIT_NOUNS = {"one_stop": _l("this office"), "health": _l("this health facility"), "education": _l("this school")}
#: The methods note, said once per page and report: what the two verdicts mean.
METHOD = _l(
    "Each rate is compared with its target in two ways. The official verdict compares the rate itself with the "
    "target, with the inequality the provincial plan states (for example at least %(high)s for one-stop offices, "
    "more than %(low)s for hospitals and schools); this is the verdict that is reported upward. Because the rate "
    "comes from the people who answered, not from everyone served, it carries a margin of error: the true rate "
    "lies, with %(level)s certainty, between the two bounds shown. When the target lies between those bounds, the "
    "answers so far cannot tell for sure whether it is reached, and the report says about how many more answers "
    "would settle it if the rate stayed the same (the usual sample-size formula with the finite-population "
    "correction, Cochran 1977). Differences are in percentage points.",
    high=formats.lazy_percent(0.9), low=formats.lazy_percent(0.8), level=formats.lazy_percent(0.95),
)
#: Beyond these bounds the answers still needed are no longer a survey's work: more than this share of everyone
#: the group served (a near-census), or, when that number is unknown, more than this many times the answers
#: already counted. The sentence then says the current sample cannot settle the question instead of a number.
REACH_SHARE = 0.5
REACH_MULTIPLE = 10
#: Differences below half of the last decimal shown read as "the same as".
SAME = 0.0005


@dataclass(frozen=True)
class Standing:
    """The figures behind a group's sentences; ``None`` where a figure does not exist (no previous campaign)."""

    rate: float | None
    ci_low: float | None
    ci_high: float | None
    target: float
    rule: str
    n: int
    settled: str  # analysis' verdict on the interval: meets, below or not_yet_known
    more_needed: int | None = None
    peer_level: str = ""  # the level's name when sector_rate is that of the unit's sector and level
    served: int | None = None  # people the group served in the period (the FPC's population), if known
    sector: str = ""
    sector_rate: float | None = None
    province_rate: float | None = None
    previous_rate: float | None = None
    previous_name: str = ""
    min_group: int = 5
    group: str = "unit"  # what the figures are of: "unit", "sector" or "area" (names the subject)


def target_text(target: float, rule: str) -> str:
    """The target with its inequality: "≥ 90 %"."""
    return f"{RULE_SIGNS.get(rule, '≥')}\u00a0{formats.percent(target, decimals=0)}"


def official(standing: Standing) -> str:
    """"Official verdict: 91,2 %, the target (≥ 90 %) is reached." (or the reason there is no figure)."""
    if standing.rate is None:
        return _("Official verdict: none yet, because fewer than %(min)s people have answered.",
                 min=standing.min_group)
    goal = target_text(standing.target, standing.rule)
    if reaches_target(standing.rate, standing.target, standing.rule):
        return _("Official verdict: %(rate)s, the target (%(target)s) is reached.",
                 rate=formats.percent(standing.rate), target=goal)
    return _("Official verdict: %(rate)s, the target (%(target)s) is not reached.",
             rate=formats.percent(standing.rate), target=goal)


def certainty(standing: Standing) -> str:
    """What the sample can vouch for, and what would settle the rest."""
    if standing.rate is None or standing.ci_low is None or standing.ci_high is None:
        return _("A rate is shown once at least %(min)s people have answered; %(count)s have so far.",
                 min=standing.min_group, count=formats.number(standing.n))
    interval = _("With %(level)s certainty the true rate lies between %(low)s and %(high)s",
                 level=formats.percent(0.95, decimals=0), low=formats.percent(standing.ci_low),
                 high=formats.percent(standing.ci_high))
    if standing.settled == "meets":
        return _("%(interval)s: the target is reached beyond doubt.", interval=interval)
    if standing.settled == "below":
        return _("%(interval)s: the target is missed beyond doubt.", interval=interval)
    if standing.more_needed is None:
        return _("%(interval)s: the rate sits exactly on the target, so no number of answers can settle it.",
                 interval=interval)
    if beyond_reach(standing):
        return _("%(interval)s: the rate is so close to the target that the current sample cannot settle whether "
                 "it is reached; only asking a large part of everyone served could.", interval=interval)
    return _("%(interval)s: to be sure whether the target is reached, %(unit)s needs about %(count)s more "
             "answers.", interval=interval, unit=_subject(standing),
             count=formats.number(max(standing.more_needed, 1)))


def beyond_reach(standing: Standing) -> bool:
    """Whether the answers still needed exceed what a survey of the group can sensibly collect (see
    :data:`REACH_SHARE`); e.g. a sector at 80,2 % against 80 % would need most of the people it served."""
    more = standing.more_needed
    if more is None:
        return False
    if standing.served:
        return standing.n + more > REACH_SHARE * standing.served
    return more > REACH_MULTIPLE * max(standing.n, 1)


def _subject(standing: Standing) -> str:
    if standing.group == "sector":
        return _("the sector")
    if standing.group == "area":
        return _("this area's units of the sector")
    return str(UNIT_NOUNS.get(standing.sector, _("this unit")))


def official_key(standing: Standing) -> str:
    """The colour of the verdict badge: the official verdict ("meets" or "below" the target as the plan states
    it), "not_yet_known" only when there is no figure. The certainty never colours the badge; it is the line
    under it, so that the colour a director sees is the verdict reported upward."""
    if standing.rate is None:
        return "not_yet_known"
    return "meets" if reaches_target(standing.rate, standing.target, standing.rule) else "below"


@dataclass(frozen=True)
class Badge:
    """The verdict of a table cell: the official verdict (``head``, coloured by ``key``) over the certainty."""

    key: str
    head: str
    tail: str


def badge(standing: Standing) -> Badge | None:
    """"Reached (≥ 90 %)" coloured as reached, over "certain" / "about 120 more answers to be sure"."""
    if standing.rate is None:
        return None
    goal = target_text(standing.target, standing.rule)
    key = official_key(standing)
    head = _("Reached (%(target)s)", target=goal) if key == "meets" else _("Not reached (%(target)s)", target=goal)
    if standing.settled in ("meets", "below"):
        tail = _("certain")
    elif standing.more_needed is None:
        tail = _("on the target")
    elif beyond_reach(standing):
        tail = _("too close to the target to settle")
    else:
        tail = _("about %(count)s more answers to be sure", count=formats.number(max(standing.more_needed, 1)))
    return Badge(key, head, tail)


def short(standing: Standing) -> str:
    """The verdict in one line (exports, plain cells): "Reached (≥ 90 %) · certain"."""
    found = badge(standing)
    return f"{found.head} · {found.tail}" if found else ""


def comparisons(standing: Standing, sector_label: str) -> list[str]:
    """How the rate stands against the sector, the province and the previous campaign, in points."""
    if standing.rate is None:
        return []
    found = []
    if standing.sector_rate is not None and standing.peer_level:
        found.append(_difference(standing.rate, standing.sector_rate, _(
            "the average of %(sector)s units at the level %(level)s", sector=sector_label,
            level=standing.peer_level)))
    elif standing.sector_rate is not None:
        found.append(_difference(standing.rate, standing.sector_rate, _("the average of the %(sector)s sector",
                                                                        sector=sector_label)))
    if standing.province_rate is not None:
        found.append(_difference(standing.rate, standing.province_rate, _("the province as a whole")))
    if standing.previous_rate is not None:
        found.append(change(standing.rate, standing.previous_rate, standing.previous_name))
    return found


def _difference(rate: float, other: float, whom: str) -> str:
    gap = rate - other
    if abs(gap) < SAME:
        return _("The same as %(whom)s (%(other)s).", whom=whom, other=formats.percent(other))
    if gap > 0:
        return _("%(points)s points above %(whom)s (%(other)s).", points=formats.points(gap), whom=whom,
                 other=formats.percent(other))
    return _("%(points)s points below %(whom)s (%(other)s).", points=formats.points(gap), whom=whom,
             other=formats.percent(other))


def change(rate: float, previous: float, name: str) -> str:
    gap = rate - previous
    if abs(gap) < SAME:
        return _("Unchanged since %(campaign)s (%(previous)s).", campaign=name, previous=formats.percent(previous))
    if gap > 0:
        return _("Up %(points)s points since %(campaign)s (%(previous)s).", points=formats.points(gap),
                 campaign=name, previous=formats.percent(previous))
    return _("Down %(points)s points since %(campaign)s (%(previous)s).", points=formats.points(gap),
             campaign=name, previous=formats.percent(previous))


def figure(row: Mapping[Any, Any], key: str) -> float | None:
    """A figure of a table row, ``None`` when missing (NaN, NA)."""
    value = row.get(key)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
