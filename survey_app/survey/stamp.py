"""The campaign stamp a survey form carries: which campaign it was filled in for, and on which day.

An answer kept in a kiosk's offline outbox may reach the server after its campaign closed, when the unit's link
already leads to the next campaign. The form therefore says which campaign (and unit) it belongs to and the day
it was drawn, signed with the application's secret key so that no one can post answers into another unit's
campaign, or into a campaign of their choosing, by editing a hidden field. The day is the province's date, nothing
finer, and it is never stored: it only decides whether a late answer falls within the campaign's grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

FIELD = "campaign_stamp"
SALT = "survey-campaign-stamp"


@dataclass(frozen=True)
class Stamp:
    campaign_id: int
    unit_id: int
    filled_on: date


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt=SALT)


def sign(campaign_id: int, unit_id: int, filled_on: date) -> str:
    """The stamp of a form drawn today for the unit in the campaign."""
    return str(_serializer().dumps([campaign_id, unit_id, filled_on.toordinal()]))


def read(value: object) -> Stamp | None:
    """The stamp sent back with a form, or ``None`` when it is missing, altered or malformed."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if (not isinstance(data, list) or len(data) != 3
            or not all(isinstance(number, int) and not isinstance(number, bool) for number in data)):
        return None
    try:
        return Stamp(data[0], data[1], date.fromordinal(data[2]))
    except (ValueError, OverflowError):
        return None
