"""Kiosk health: each kiosk browser's heartbeat, and which kiosks have gone silent during opening hours.

A kiosk's page posts a heartbeat every few minutes (``static/js/kiosk-heartbeat.js``) with a random device id it
keeps in its own localStorage, the number of answers waiting in its offline outbox, and the number of kept answers
the server refused for good (sent after their campaign closed and its grace period ran out). Nothing else is stored: no
address, no browser string, nothing about a respondent. A kiosk is *silent* when, during the unit's opening hours
(``KIOSK_OPENING_DAYS``, ``KIOSK_OPENING_HOURS`` in the province's time zone), more than ``KIOSK_SILENT_MINUTES``
have passed since its last heartbeat or since the office opened that day, whichever is later — so a kiosk switched
off overnight is not flagged at 07:31.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .models import KioskDevice
from .platform.extensions import db

DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{8,40}\Z")
MAX_UNSENT = 100_000


@dataclass(frozen=True)
class KioskState:
    device: KioskDevice
    silent: bool

    @property
    def unit_id(self) -> int:
        return self.device.unit_id


def record(unit_id: int, device_id: str, unsent: int, now: datetime, refused: int | None = None) -> bool:
    """Store a heartbeat (``now`` naive UTC; ``refused`` ``None``: the kiosk did not say, the count stays). Returns
    False, storing nothing, for a malformed id or count."""
    if (not DEVICE_ID.match(device_id) or not 0 <= unsent <= MAX_UNSENT
            or not (refused is None or 0 <= refused <= MAX_UNSENT)):
        return False
    device = db.session.scalar(select(KioskDevice).where(KioskDevice.unit_id == unit_id,
                                                         KioskDevice.device_id == device_id))
    if device is None:
        device = KioskDevice(unit_id=unit_id, device_id=device_id, first_seen=now)
        db.session.add(device)
    device.last_seen, device.unsent = now, unsent
    if refused is not None:
        device.refused = refused
    db.session.commit()
    return True


def _opening(config: Mapping[str, Any]) -> tuple[set[int], time, time]:
    days = {int(day) for day in config.get("KIOSK_OPENING_DAYS", (0, 1, 2, 3, 4))}
    start, end = (time.fromisoformat(str(part)) for part in config.get("KIOSK_OPENING_HOURS", ("07:30", "17:00")))
    return days, start, end


def is_silent(last_seen: datetime, now: datetime, config: Mapping[str, object]) -> bool:
    """Whether a kiosk last heard at ``last_seen`` is silent at ``now`` (both naive UTC)."""
    zone = ZoneInfo(str(config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")))
    local = now.replace(tzinfo=UTC).astimezone(zone)
    days, start, end = _opening(config)
    if local.weekday() not in days or not start <= local.time() <= end:
        return False
    opened = datetime.combine(local.date(), start, zone).astimezone(UTC).replace(tzinfo=None)
    quiet_since = max(last_seen, opened)
    return now - quiet_since > timedelta(minutes=float(config.get("KIOSK_SILENT_MINUTES", 30)))  # type: ignore[arg-type]


def kiosk_states(unit_ids: Collection[int], now: datetime, config: Mapping[str, object]) -> list[KioskState]:
    """Every kiosk of these units, silent ones first, then those with refused answers, then by unit and last
    contact."""
    devices = db.session.scalars(select(KioskDevice).where(KioskDevice.unit_id.in_(list(unit_ids)))
                                 .order_by(KioskDevice.unit_id, KioskDevice.last_seen.desc())).all()
    states = [KioskState(device, is_silent(device.last_seen, now, config)) for device in devices]
    return sorted(states, key=lambda state: (not state.silent, not state.device.refused))
