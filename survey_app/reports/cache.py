"""An in-memory least-recently-used cache for report frames, tables and chart images.

Building a report reads every response of a campaign and draws matplotlib figures, which takes a noticeable
fraction of a second; the same report is opened many times between two new responses. Every key therefore ends
with the campaign's :func:`fingerprint` (number of responses, largest response id, service volumes), so a new
response or a changed volume makes every older entry unreachable and it ages out: nothing needs explicit
invalidation. Each worker process keeps its own cache; a restart simply empties it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select

from ..models import CampaignUnit, Response
from ..platform.extensions import db

EXTENSION_KEY = "reports_cache"
DEFAULT_SIZE = 256
T = TypeVar("T")


class LRUCache:
    """A thread-safe mapping that forgets the least recently used entry beyond ``size`` entries."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        """The cached value of ``key``, building and storing it on a miss (outside the lock)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = build()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def report_cache() -> LRUCache:
    """The cache of the current application (created on first use; size from ``REPORTS_CACHE_SIZE``)."""
    cache = current_app.extensions.get(EXTENSION_KEY)
    if cache is None:
        cache = LRUCache(int(current_app.config.get("REPORTS_CACHE_SIZE", DEFAULT_SIZE)))
        current_app.extensions[EXTENSION_KEY] = cache
    return cache


def fingerprint(campaign_id: int) -> tuple[int, int, int]:
    """What changes whenever a campaign's report would: response count, largest response id, volumes.

    Response ids only grow, so (count, max id) changes with every new response and with every deletion; the
    hash of (unit, service volume) pairs changes when the province corrects a volume, which changes weights.
    """
    count, largest = db.session.execute(
        select(func.count(Response.id), func.max(Response.id)).where(Response.campaign_id == campaign_id)
    ).one()
    volumes = db.session.execute(
        select(CampaignUnit.unit_id, CampaignUnit.service_volume)
        .where(CampaignUnit.campaign_id == campaign_id).order_by(CampaignUnit.unit_id)
    ).all()
    return int(count or 0), int(largest or 0), hash(tuple(tuple(row) for row in volumes))
