"""Database tables.

The ``responses`` table is the product: one row per completed questionnaire, the answers as JSON keyed by item
id, with the questionnaire id and version so that editing a questionnaire never changes old answers. It holds no
IP address, name, phone number or time of day (only the province's day of the answer); the only identifier is
``submission_id``, a random value issued with the form and used to make a retried or double-clicked submission
count once. A receipt code keeps only whether it was used, never when.
"""

from __future__ import annotations

import functools
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from analysis import blocks

from . import revision
from .platform.extensions import Model, db

SECTORS = ("one_stop", "health", "education")
CHANNELS = ("kiosk", "qr")
CAMPAIGN_STATUSES = ("draft", "open", "closed")
ROLES = ("province_admin", "agency", "translator")


def utcnow() -> datetime:
    """Naive UTC timestamp: SQLite keeps no zone, so every stored time is UTC by convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def province_today() -> date:
    """Today in the province: campaign dates are local dates, the server clock may be UTC.

    The zone is the ``BABEL_DEFAULT_TIMEZONE`` setting (default Asia/Ho_Chi_Minh); a response stores this day
    and nothing finer.
    """
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return datetime.now(_zone(name or "Asia/Ho_Chi_Minh")).date()


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def new_token() -> str:
    """An unguessable URL token (128 bits)."""
    return secrets.token_urlsafe(16)


class Unit(Model):
    """A service point: a one-stop shop, a public hospital or a public primary school."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))  # a code of the ``levels`` table
    # The unit's grouping today (a district before the 2025 reform, an area or nothing after it); a unit joining
    # a campaign takes it as that campaign's grouping, so later edits leave earlier campaigns' reports alone.
    area: Mapped[str] = mapped_column(String(100), default="")
    default_locale: Mapped[str] = mapped_column(String(16), default="vi")
    #: The unit's QR link (``/s/<qr_token>``), printed on posters and receipt slips; it outlives campaigns.
    qr_token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)
    #: The unit's kiosk link (``/k/<kiosk_token>``): lives in the kiosk's browser and is never printed, so a
    #: printed QR code cannot reach the kiosk route (which may take answers without a receipt code).
    kiosk_token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Level(Model):
    """An administrative level a province places units at (since 1 July 2025: province and commune).

    Levels are data, not code: a province lists its own, and a level no unit uses any more (a district, after the
    reform) stays listed for the campaigns that had it.
    """

    __tablename__ = "levels"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Campaign(Model):
    """A survey period, e.g. "Khảo sát sự hài lòng Quý III/2026"; answers are taken only while it is open."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    #: Days after the campaign closes during which an answer filled in while it was open (a kiosk's offline
    #: outbox) is still counted; 0: none.
    late_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The day the campaign was closed by hand (before its last day, or after), if it was.
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: The province's day the results were made public at /results/<id> (``None``: not public).
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Raised by the database with every change that alters a report, and the number of responses ever stored:
    #: what each worker compares with its cached reports (see :mod:`survey_app.revision`; never set by hand).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responses_received: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units: Mapped[list[CampaignUnit]] = relationship(back_populates="campaign", cascade="all, delete-orphan")

    def accepts_on(self, day: date) -> bool:
        """Whether a response may be taken on ``day`` (local date of the province)."""
        return self.status == "open" and self.starts_on <= day <= self.ends_on

    @property
    def last_day(self) -> date:
        """The last day answers were (or will be) taken: the last day of the period, or the day it was closed."""
        if self.status == "closed" and self.closed_on is not None:
            return min(self.ends_on, self.closed_on)
        return self.ends_on

    def accepts_late_on(self, day: date, filled_on: date) -> bool:
        """Whether a form filled in on ``filled_on`` may still be counted on ``day`` although the campaign no longer
        takes answers: it was filled in while the campaign took answers, and the campaign has a grace period
        (``late_days``) that has not run out. Without one, closing a campaign stops answers at once."""
        if not self.late_days or self.status == "draft" or not self.starts_on <= filled_on <= self.last_day:
            return False
        return day <= self.last_day + timedelta(days=self.late_days or 0)


class CampaignUnit(Model):
    """A unit taking part in a campaign: its questionnaire, service volume, quota and receipt-code rule.

    The links are the unit's (:class:`Unit`), not the campaign's: the campaign open for the unit decides the
    questionnaire and where an answer counts.
    """

    __tablename__ = "campaign_units"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(60))
    service_volume: Mapped[int] = mapped_column(Integer, default=0)
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    receipt_codes_required: Mapped[bool] = mapped_column(Boolean, default=False)
    area: Mapped[str] = mapped_column(String(100), default="")  # the unit's grouping in this campaign's reports
    #: For a unit that requires receipt codes: whether its kiosk may still take answers without one (a kiosk
    #: staff watch over). Off by default, so no route stores an answer without a code.
    kiosk_without_codes: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    campaign: Mapped[Campaign] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()

    def __init__(self, **values: Any) -> None:
        if "area" not in values and values.get("unit") is not None:
            values["area"] = values["unit"].area  # joining a campaign, the unit brings today's grouping
        super().__init__(**values)


class LinkAlias(Model):
    """An earlier address of a unit's link: a per-campaign QR token printed before links belonged to units
    (``replaced_on`` empty: it still works as the unit's QR link), or a link replaced by an administrator
    (``replaced_on`` set: the page says so and stores nothing)."""

    __tablename__ = "link_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    replaced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    unit: Mapped[Unit] = relationship()


class ReceiptCode(Model):
    """A one-time code printed on a citizen's receipt; it lets exactly one response in."""

    __tablename__ = "receipt_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_unit_id: Mapped[int] = mapped_column(ForeignKey("campaign_units.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    # A flag, not a time: the moment a code was used would tie the printed slip to the response stored with it.
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Response(Model):
    """One completed questionnaire. Anonymous by construction: see the module docstring."""

    __tablename__ = "responses"
    # The raw-responses export reads a campaign by day and unit (reports/stream.py): this index hands the rows
    # over in that order as they are read, with no sort of the whole campaign before the first byte.
    #: The reports read a campaign's responses after the largest id they hold (and the largest id itself).
    __table_args__ = (Index("ix_responses_campaign_day_unit", "campaign_id", "submitted_on", "unit_id"),
                      Index("ix_responses_campaign_id_id", "campaign_id", "id"),
                      # one unit's responses in a campaign (its comments): see migration 4c8e1f2a7d55
                      Index("ix_responses_campaign_unit", "campaign_id", "unit_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    locale: Mapped[str] = mapped_column(String(16))
    # The province's day of the answer and nothing finer (no time that could be matched with a receipt or a log).
    submitted_on: Mapped[date] = mapped_column(Date, default=province_today, index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    comment_hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class ResponseBlock(Model):
    """Consecutive responses of one campaign packed as columns, so that reading a large campaign does not parse
    every answers JSON again (see :mod:`analysis.blocks`, which owns the format). Derived data: ``flask responses
    pack`` writes them, triggers mark them stale, and deleting them all loses nothing."""

    __tablename__ = "response_blocks"
    __table_args__ = (UniqueConstraint("campaign_id", "first_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    format: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class CommentReview(Model):
    """Staff's work on one response's comment: its topic tags and, when hidden, why, by whom and on which day.

    Apart from ``responses`` so that the respondent's row is never rewritten by staff work (the hidden flag itself
    stays ``responses.comment_hidden``, which every export reads). A day, never a time, as everywhere else.
    """

    __tablename__ = "comment_reviews"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    #: Topic keys (``COMMENT_TOPICS``) in the catalogue's order; an empty list when the comment has none.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    hidden_reason: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                     default=None)
    hidden_on: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)


class CounterAnswer(Model):
    """One tap on a service-counter device (counter.py): a score of 1..5 and, for a low one, maybe a reason.

    Kept apart from ``responses``: it is another instrument (one question, asked at the counter), so its results
    are reported on their own and never enter the questionnaire's satisfaction rates. Anonymous in the same way:
    the province's day, no time, no address.
    """

    __tablename__ = "counter_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    submitted_on: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(20), default=None)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)


user_units = db.Table(
    "user_units",
    db.Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Model):
    """A staff account: ``province_admin`` sees everything, ``agency`` only its own units, ``translator`` only the
    recording of prompts in its ``language`` (a local speaker, who needs no access to any answer)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20), default="agency")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(20), default=None)  # translators only
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of the id every sign-in cookie carries; raising it ends every session opened before (auth/staff_session.py).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units: Mapped[list[Unit]] = relationship(secondary=user_units)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive (disabled) users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "province_admin"

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the account and its session version, ``"12.3"``."""
        return f"{self.id}.{self.session_version}"

    def can_record(self, code: str) -> bool:
        """Whether this account may record the spoken prompts of language ``code``."""
        return self.is_admin or (self.role == "translator" and self.language == code)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can_see_unit(self, unit_id: int) -> bool:
        return self.is_admin or any(unit.id == unit_id for unit in self.units)


class KioskDevice(Model):
    """A kiosk browser's last heartbeat: a random id it keeps itself, how many answers wait in its outbox, and how
    many answers it kept were refused when finally sent (too late for their campaign).

    Nothing here identifies a person or a network address; it tells the province which kiosk went quiet.
    """

    __tablename__ = "kiosk_devices"
    __table_args__ = (UniqueConstraint("unit_id", "device_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str] = mapped_column(String(40))
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    unsent: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AlertNotice(Model):
    """An alert that was e-mailed: its key (kind, campaign, unit or kiosk) makes each alert go out once."""

    __tablename__ = "alert_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    sent_on: Mapped[date] = mapped_column(Date)


revision.install(db.metadata)  # the triggers that keep Campaign.revision and responses_received
blocks.install(db.metadata)  # the triggers that mark packed response blocks stale
