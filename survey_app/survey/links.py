"""Survey links (a unit in a campaign) by token, kept by each worker for a few seconds.

Every survey request starts by finding its link with its unit and campaign. Loading the three through the ORM
was an eighth of a submission's server time, yet they change a few times per campaign (an administrator edits a
unit, opens or closes a campaign). So each application keeps the rows it loaded, detached from any session, for
``LINK_CACHE_SECONDS`` (default 5; 0 turns the cache off):

* a change committed through this process is seen at once: any session that flushes a campaign, unit or link
  empties every cache of the process (:func:`_forget_on_change`);
* a change made by another worker or server is seen within that many seconds. Closing a campaign therefore stops
  answers on every worker within 5 s, which is well inside the precision anyone closes a campaign with; whether a
  campaign takes answers *today* is still decided on every request, from the dates.

The cached objects are detached: their columns and their ``unit`` and ``campaign`` are loaded, and nothing else
may be read from them (a lazy load would raise). The survey pages need nothing else.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..models import Campaign, CampaignUnit, Unit

EXTENSION_KEY = "survey_links"
MAX_LINKS = 4096  # a province has a few hundred units per campaign
_CACHED_TYPES = (Campaign, CampaignUnit, Unit)
_generation = itertools.count()
_current_generation = next(_generation)


def find(token: str) -> CampaignUnit | None:
    """The link of ``token`` with its unit and campaign loaded, or ``None`` for an unknown token."""
    lifetime = float(current_app.config.get("LINK_CACHE_SECONDS", 5))
    if lifetime <= 0:
        return _load(token, detach=False)
    cache: dict[str, tuple[float, int, CampaignUnit | None]] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    now = time.monotonic()
    hit = cache.get(token)
    if hit is not None and now - hit[0] < lifetime and hit[1] == _current_generation:
        return hit[2]
    generation = _current_generation
    link = _load(token, detach=True)
    if len(cache) >= MAX_LINKS:
        cache.clear()
    cache[token] = (now, generation, link)
    return link


def _load(token: str, detach: bool) -> CampaignUnit | None:
    query = select(CampaignUnit).options(joinedload(CampaignUnit.unit), joinedload(CampaignUnit.campaign))
    link = db.session.scalar(query.where(CampaignUnit.token == token))
    if link is not None and detach:
        for instance in (link.unit, link.campaign, link):
            db.session.expunge(instance)
    return link


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context: Any) -> None:
    """Empty the caches of this process when a campaign, unit or link is added, changed or deleted.

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
