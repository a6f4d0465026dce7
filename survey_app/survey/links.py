"""Survey links by token: a unit's QR or kiosk address, with the campaigns it takes part in, kept by each worker
for a few seconds.

A unit keeps one QR link (``/s/<token>``, printed) and one kiosk link (``/k/<token>``, never printed) for as long
as it exists; the campaign taking answers for the unit today decides the questionnaire and where an answer counts
(:meth:`UnitLink.current`). Earlier addresses live in ``link_aliases``: the per-campaign tokens printed before
links belonged to units still open the unit's QR page (on the kiosk route they count as replaced: they were
printed), and an address an administrator replaced opens a page that says so.

Every survey request starts by finding its link. Loading the rows through the ORM was an eighth of a
submission's server time, yet they change a few times per campaign (an administrator edits a unit, opens or
closes a campaign, replaces a link). So each application keeps what it loaded, detached from any session, for
``LINK_CACHE_SECONDS`` (default 5; 0 turns the cache off):

* a change committed through this process is seen at once: any session that flushes a campaign, unit, link or
  alias empties every cache of the process (:func:`_forget_on_change`);
* a change made by another worker or server is seen within that many seconds. Closing a campaign therefore stops
  answers on every worker within 5 s, which is well inside the precision anyone closes a campaign with; whether a
  campaign takes answers *today* is still decided on every request, from the dates.

The cached objects are detached: their columns (and a participation's ``campaign``) are loaded, and nothing else
may be read from them (a lazy load would raise). The survey pages need nothing else.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from ..models import Campaign, CampaignUnit, LinkAlias, Unit
from ..platform.extensions import db

EXTENSION_KEY = "survey_links"
MAX_LINKS = 4096  # a province has a few hundred units, each with two links and a few old addresses
CHANNELS = ("qr", "kiosk")
#: ``link_aliases.channel`` of the per-campaign tokens printed before links belonged to units.
LEGACY = "legacy"
_CACHED_TYPES = (Campaign, CampaignUnit, Unit, LinkAlias)
_generation = itertools.count()
_current_generation = next(_generation)


@dataclass(frozen=True)
class UnitLink:
    """A survey address as requested: its unit, channel, whether it was replaced, and the unit's campaigns."""

    token: str
    channel: str
    unit: Unit
    replaced: bool
    replaced_on: date | None  # when an administrator replaced it (None for an old campaign token on a kiosk)
    participations: tuple[CampaignUnit, ...]  # every campaign the unit takes part in, newest first

    def current(self, today: date) -> CampaignUnit | None:
        """The unit's place in the campaign taking answers today (the latest to start, should two overlap)."""
        return next((link for link in self.participations if link.campaign.accepts_on(today)), None)

    def participation(self, campaign_id: int) -> CampaignUnit | None:
        return next((link for link in self.participations if link.campaign_id == campaign_id), None)

    def next_start(self, today: date) -> date | None:
        """The first day of the next campaign planned for the unit (draft or open), if any."""
        days = [link.campaign.starts_on for link in self.participations
                if link.campaign.status in ("draft", "open") and link.campaign.starts_on > today]
        return min(days, default=None)


def find(token: str, channel: str) -> UnitLink | None:
    """The link of ``token`` on ``channel`` (``qr`` or ``kiosk``), or ``None`` for an unknown token."""
    lifetime = float(current_app.config.get("LINK_CACHE_SECONDS", 5))
    if lifetime <= 0:
        return _load(token, channel, detach=False)
    cache: dict[tuple[str, str], tuple[float, int, UnitLink | None]] = current_app.extensions.setdefault(
        EXTENSION_KEY, {})
    now = time.monotonic()
    hit = cache.get((token, channel))
    if hit is not None and now - hit[0] < lifetime and hit[1] == _current_generation:
        return hit[2]
    generation = _current_generation
    link = _load(token, channel, detach=True)
    if len(cache) >= MAX_LINKS:
        cache.clear()
    cache[(token, channel)] = (now, generation, link)
    return link


def _load(token: str, channel: str, detach: bool) -> UnitLink | None:
    column = Unit.qr_token if channel == "qr" else Unit.kiosk_token
    unit = db.session.scalar(select(Unit).where(column == token))
    replaced, replaced_on = False, None
    if unit is None:
        alias = db.session.scalar(select(LinkAlias).options(joinedload(LinkAlias.unit))
                                  .where(LinkAlias.token == token, LinkAlias.channel.in_((channel, LEGACY))))
        if alias is None:
            return None
        unit = alias.unit
        # An old campaign token was printed: on the kiosk route it is a replaced address, whatever its state.
        replaced_on = alias.replaced_on
        replaced = replaced_on is not None or alias.channel == LEGACY and channel == "kiosk"
    participations = tuple(db.session.scalars(
        select(CampaignUnit).options(joinedload(CampaignUnit.campaign)).join(Campaign)
        .where(CampaignUnit.unit_id == unit.id).order_by(Campaign.starts_on.desc(), Campaign.id.desc())))
    if detach:
        for instance in (unit, *participations, *(link.campaign for link in participations)):
            if instance in db.session:
                db.session.expunge(instance)
    return UnitLink(token, channel, unit, replaced, replaced_on, participations)


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context: Any) -> None:
    """Empty the caches of this process when a campaign, unit, link or alias is added, changed or deleted.

    Again at commit: a request served between this flush and the commit could have cached the old rows.
    """
    if any(isinstance(instance, _CACHED_TYPES)
           for instance in itertools.chain(session.new, session.dirty, session.deleted)):
        session.info["survey_links_changed"] = True
        _forget()


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session: Session) -> None:
    if session.info.pop("survey_links_changed", False):
        _forget()


def _forget() -> None:
    global _current_generation
    _current_generation = next(_generation)
