"""What needs the province's attention now, for the alerts page and the e-mails of ``flask alerts send``.

Five kinds, each about one unit of a campaign that is taking answers today:

* ``below``: the unit's satisfaction rate is below its target with enough answers to say so — the verdict
  ``below`` of :func:`analysis.satisfaction_rates` (the whole 95 % confidence interval under the target), never a
  judgement on a handful of answers;
* ``behind``: fewer answers than its quota prorated to the days elapsed (:mod:`.admin.progress`);
* ``payment``: respondents reported an informal payment (the yes/no items named in ``INFORMAL_PAYMENT_ITEMS``).
  These go to province administrators only, never to the unit concerned: a unit warned that a citizen reported it
  could look for who that was;
* ``silent``: one of its kiosks has not reported during opening hours (:mod:`.kiosk_health`);
* ``refused``: one of its kiosks kept answers offline that were refused when finally sent (they arrived after their
  campaign closed): answers lost, and a kiosk that needs to stay online.

Each alert has a key that names what it is about (kind, campaign, unit; for a kiosk, the silence that began at its
last heartbeat, or its count of refused answers, so each new refusal is told once), so it is e-mailed once
(:mod:`.alert_mail`) however often the command runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from flask_babel import format_datetime, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .admin.progress import campaign_progress
from .kiosk_health import kiosk_states
from .models import Campaign
from .platform.extensions import db
from .reports import tables
from .reports.dataset import campaign_data

KINDS = ("below", "behind", "payment", "silent", "refused")
KIND_TITLES = {"below": _l("Below the target"), "behind": _l("Behind the quota"),
               "payment": _l("Informal payments reported"), "silent": _l("Silent kiosks"),
               "refused": _l("Kiosks with refused answers")}


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str
    campaign: str
    unit_id: int
    unit: str
    text: str

    @property
    def admin_only(self) -> bool:
        """Informal payments are for the province's eyes only."""
        return self.kind == "payment"


def open_campaigns(today: date) -> list[Campaign]:
    return [c for c in db.session.scalars(select(Campaign).where(Campaign.status == "open")
                                          .order_by(Campaign.starts_on)) if c.accepts_on(today)]


def current_alerts(today: date, now: datetime, config: Mapping[str, object]) -> list[Alert]:
    """Every alert that holds now (``today`` the province's date, ``now`` naive UTC), by kind then unit."""
    found: list[Alert] = []
    for campaign in open_campaigns(today):
        found += _below(campaign) + _behind(campaign, today) + _payments(campaign, config)
        found += _kiosks(campaign, now, config)
    unique = {alert.key: alert for alert in found}  # a kiosk's unit may be in two open campaigns
    return sorted(unique.values(), key=lambda alert: (KINDS.index(alert.kind), alert.unit, alert.key))


def _percent(value: float) -> str:
    return format_percent(value, "#,##0.0 %")


def _below(campaign: Campaign) -> list[Alert]:
    table = tables.unit_rates(campaign_data(campaign.id))
    rows = table[table["verdict"] == "below"]
    return [Alert(f"below:{campaign.id}:{row.unit_id}", "below", campaign.name, int(row.unit_id), str(row.name),
                  _("Satisfaction %(rate)s from %(count)d answers: below the target of %(target)s even at the top "
                    "of its 95%% confidence interval (%(high)s).", rate=_percent(row.rate), count=int(row.n),
                    target=_percent(row.target), high=_percent(row.ci_high)))
            for row in cast("Iterable[Any]", rows.itertuples())]  # named tuples of the table's columns


def _behind(campaign: Campaign, today: date) -> list[Alert]:
    progress = campaign_progress(campaign, list(campaign.units), today)
    return [Alert(f"behind:{campaign.id}:{unit.unit_id}", "behind", campaign.name, unit.unit_id, unit.name,
                  _("%(count)d answers where %(expected)d were expected by today (quota %(quota)d).",
                    count=unit.responses, expected=unit.expected or 0, quota=unit.quota or 0))
            for unit in progress.units if unit.behind]


def _payments(campaign: Campaign, config: Mapping[str, object]) -> list[Alert]:
    frame = campaign_data(campaign.id).frame
    items = [item for item in config.get("INFORMAL_PAYMENT_ITEMS", ()) if item in frame.columns]  # type: ignore[attr-defined]
    if not items or not len(frame):
        return []
    reported = pd.concat([frame[item].eq(True).fillna(False) for item in items], axis=1).any(axis=1)
    counts = frame.loc[reported.to_numpy(dtype=bool)].groupby("unit_id").size()
    names = {link.unit_id: link.unit.name for link in campaign.units}
    return [Alert(f"payment:{campaign.id}:{unit_id}", "payment", campaign.name, int(unit_id),
                  names.get(int(unit_id), ""),
                  _("%(count)d respondents reported an informal payment (money or a gift on top of the official "
                    "fee).", count=int(count)))
            for unit_id, count in counts.items() if count > 0]


def _kiosks(campaign: Campaign, now: datetime, config: Mapping[str, object]) -> list[Alert]:
    """Silent kiosks, and kiosks whose kept answers were refused, of the campaign's units."""
    names = {link.unit_id: link.unit.name for link in campaign.units}
    found = []
    for state in kiosk_states(list(names), now, config):
        device, unit = state.device, names[state.unit_id]
        if state.silent:
            found.append(Alert(f"silent:{device.id}:{device.last_seen:%Y%m%d%H%M}", "silent", campaign.name,
                               state.unit_id, unit,
                               _("Kiosk %(device)s has not reported since %(time)s; %(unsent)d answers wait on it.",
                                 device=device.device_id[:6], time=format_datetime(device.last_seen, "short"),
                                 unsent=device.unsent)))
        if device.refused:
            found.append(Alert(f"refused:{device.id}:{device.refused}", "refused", campaign.name, state.unit_id, unit,
                               _("Kiosk %(device)s kept %(count)d answers while offline that were refused when it "
                                 "sent them, because their survey had closed. Keep it online.",
                                 device=device.device_id[:6], count=device.refused)))
    return found
