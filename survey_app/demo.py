"""Demo province: units, three quarterly campaigns, staff accounts and a few thousand plausible answers.

The demo exists so that a person with a fresh clone can see every part of the product at once. It is
idempotent: run twice, it adds nothing the second time. Answers are drawn from a seeded generator, so two
fresh installs show the same figures.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import insert, select

import questionnaires
from questionnaires.model import NOT_APPLICABLE, Item, Questionnaire

from .models import Campaign, CampaignUnit, Level, Response, Unit, User
from .platform.extensions import db
from .reports.census import save_margins

DEMO_PASSWORDS = {"admin@demo.local": "demo-admin-2026", "agency@demo.local": "demo-agency-2026"}

# The province as it is today: two tiers since 1 July 2025 (the provincial public administrative service centre and
# the communes' ones), with its history from before the reform, when one-stop shops sat at district level too.
REFORM_DAY = date(2025, 7, 1)
LEVELS = (("province", "Cấp tỉnh"), ("commune", "Cấp xã"), ("district", "Cấp huyện (trước 01/7/2025)"))

# (code, name, sector, level today, district before the reform or "", when it serves, quarterly service volume,
#  satisfaction propensity). "before": abolished or merged by the reform; "after": created by it; "both".
UNITS: tuple[tuple[str, str, str, str, str, str, int, float], ...] = (
    ("TTHCC-TINH", "Trung tâm Phục vụ hành chính công tỉnh", "one_stop", "province", "Thành phố", "both", 12000, 0.93),
    ("MC-BABE", "Bộ phận Một cửa huyện Ba Bể", "one_stop", "district", "Ba Bể", "before", 3200, 0.88),
    ("MC-CHODON", "Bộ phận Một cửa huyện Chợ Đồn", "one_stop", "district", "Chợ Đồn", "before", 2900, 0.91),
    ("MC-PACNAM", "Bộ phận Một cửa huyện Pác Nặm", "one_stop", "district", "Pác Nặm", "before", 1500, 0.84),
    ("MC-XA-NAMMAU", "Bộ phận Một cửa xã Nam Mẫu", "one_stop", "commune", "Ba Bể", "before", 420, 0.90),
    ("MC-XA-BANGLUNG", "Bộ phận Một cửa thị trấn Bằng Lũng", "one_stop", "commune", "Chợ Đồn", "before", 650, 0.94),
    ("MC-XA-BOCBO", "Bộ phận Một cửa xã Bộc Bố", "one_stop", "commune", "Pác Nặm", "before", 300, 0.86),
    ("HCC-XA-BABE", "Trung tâm Phục vụ hành chính công xã Ba Bể", "one_stop", "commune", "", "after", 2600, 0.89),
    ("HCC-XA-CHODON", "Trung tâm Phục vụ hành chính công xã Chợ Đồn", "one_stop", "commune", "", "after", 2300, 0.92),
    ("HCC-XA-BANGTHANH", "Trung tâm Phục vụ hành chính công xã Bằng Thành", "one_stop", "commune", "", "after", 900,
     0.85),
    ("HCC-XA-NAMMAU", "Trung tâm Phục vụ hành chính công xã Nam Mẫu", "one_stop", "commune", "", "after", 800, 0.90),
    ("BV-TINH", "Bệnh viện Đa khoa tỉnh", "health", "province", "Thành phố", "both", 45000, 0.82),
    ("BV-BABE", "Trung tâm Y tế khu vực Ba Bể", "health", "province", "Ba Bể", "both", 9000, 0.78),
    ("TH-DUCXUAN", "Trường Tiểu học Đức Xuân", "education", "commune", "Thành phố", "both", 900, 0.87),
    ("TH-NAMMAU", "Trường Tiểu học Nam Mẫu", "education", "commune", "Ba Bể", "both", 260, 0.81),
    ("TH-BOCBO", "Trường Tiểu học Bộc Bố", "education", "commune", "Pác Nặm", "both", 310, 0.76),
)
#: Units the demo agency account (the commune of Ba Bể) sees: its own today and those it took over.
AGENCY_UNITS = ("HCC-XA-BABE", "HCC-XA-NAMMAU", "TH-NAMMAU", "MC-BABE", "MC-XA-NAMMAU")

# Shares of respondents, deliberately unlike the population (too many women, too many Kinh), so weighting matters.
GENDER = {"female": 0.60, "male": 0.39, "other": 0.01}
AGE = {"18_29": 0.22, "30_44": 0.38, "45_59": 0.28, "60_plus": 0.12}
ETHNICITY = {"kinh": 0.30, "tay": 0.38, "nung": 0.11, "hmong": 0.07, "dao": 0.12, "other": 0.02}
DEMOGRAPHIC_SHARES = {"gender": GENDER, "age_group": AGE, "ethnicity": ETHNICITY}
# Population shares the demo's reports are raked to. Illustrative figures for a northern mountain province with a
# Tày majority, not copied from a census table: a real province enters its own census shares (flask margins set).
CENSUS_MARGINS = {
    "gender": {"female": 0.495, "male": 0.495, "other": 0.01},
    "age_group": {"18_29": 0.27, "30_44": 0.32, "45_59": 0.25, "60_plus": 0.16},
    "ethnicity": {"kinh": 0.12, "tay": 0.52, "nung": 0.10, "hmong": 0.07, "dao": 0.17, "other": 0.02},
}
CENSUS_SOURCE = "illustrative shares of the demo province (not census figures)"
# Chance of "yes" given the respondent's satisfaction: informal payments and pressure are rarer among the happy.
YES_SHARE = {
    "informal_payment": lambda happy: 0.02 + 0.25 * (1 - happy),
    "extra_fees": lambda happy: 0.03 + 0.30 * (1 - happy),
    "extra_tutoring": lambda happy: 0.05 + 0.40 * (1 - happy),
    "on_time": lambda happy: 0.55 + 0.4 * happy,
    "feedback_given": lambda happy: 0.12,
}
COMMENTS = (
    "Cán bộ nhiệt tình, hướng dẫn rõ ràng.",
    "Phải chờ lâu, cần thêm ghế ngồi.",
    "Thủ tục còn rườm rà, phải đi lại nhiều lần.",
    "Rất hài lòng, cảm ơn cán bộ.",
    "Nên có hướng dẫn bằng tiếng dân tộc.",
    "Nhà vệ sinh chưa sạch sẽ.",
)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + (self.number == 4), 1 if self.number == 4 else 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    @property
    def name(self) -> str:
        roman = ("I", "II", "III", "IV")[self.number - 1]
        return f"Khảo sát sự hài lòng Quý {roman}/{self.year}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def seed(today: date | None = None, rng_seed: int = 2026) -> bool:
    """Create the demo province if the database has no units yet. Returns whether anything was added.

    Three quarterly campaigns up to today's, and one from the last quarter before the reform (with districts),
    so that the reports show both the province of today and its history.
    """
    if db.session.scalar(select(Unit.id).limit(1)) is not None:
        return False
    today = today or date.today()
    rng = np.random.default_rng(rng_seed)
    forms = questionnaires.load_directory()
    by_sector = {q.sector: q for q in forms.values()}
    _levels()
    units = {spec[0]: Unit(code=spec[0], name=spec[1], sector=spec[2], level=spec[3], area="", default_locale="vi")
             for spec in UNITS}
    db.session.add_all(units.values())
    current = quarter_of(today)
    recent = [current.previous().previous(), current.previous(), current]
    history = [quarter_of(REFORM_DAY - timedelta(days=1))]
    quarters = [q for q in history if q.end < recent[0].start] + recent
    for quarter in quarters:
        is_current = quarter == current
        before_reform = quarter.end < REFORM_DAY
        campaign = Campaign(name=quarter.name, starts_on=quarter.start, ends_on=quarter.end,
                            status="open" if is_current else "closed")
        db.session.add(campaign)
        taking_part = [spec for spec in UNITS if spec[5] == "both" or (spec[5] == "before") == before_reform]
        for spec in taking_part:
            campaign.units.append(CampaignUnit(unit=units[spec[0]], questionnaire_id=by_sector[spec[2]].id,
                                               service_volume=spec[6], quota=_quota(spec[6]),
                                               area=spec[4] if before_reform else ""))
        db.session.flush()
        last_day = min(today, quarter.end)
        drift = 0.02 * (quarters.index(quarter) - len(quarters) + 2)
        elapsed = min(1.0, ((last_day - quarter.start).days + 1) / ((quarter.end - quarter.start).days + 1))
        rows = []
        for link, spec in zip(campaign.units, taking_part, strict=True):
            # Closed campaigns reached 60–105 % of their quota; the open one is on course for its elapsed share.
            count = int((link.quota or 0) * elapsed * rng.uniform(0.6, 1.05))
            rows += [
                _response_row(rng, campaign.id, link.unit_id, by_sector[spec[2]], spec[7] + drift,
                              quarter.start, last_day)
                for _ in range(count)
            ]
        if rows:
            db.session.execute(insert(Response), rows)
        save_margins(campaign.id, CENSUS_MARGINS, CENSUS_SOURCE)
    _users(units)
    db.session.commit()
    return True


def _levels() -> None:
    """The province's levels: the two tiers of today, and the district level its older campaigns used."""
    existing = set(db.session.scalars(select(Level.code)))
    db.session.add_all(Level(code=code, name=name, position=n) for n, (code, name) in enumerate(LEVELS, start=1)
                       if code not in existing)


def _quota(volume: int) -> int:
    """SIPAS rule of thumb n = N / (1 + N e²) at e = 0.05; the admin planner refines it per campaign."""
    return int(np.ceil(volume / (1 + volume * 0.05**2)))


def _users(units: dict[str, Unit]) -> None:
    admin = User(email="admin@demo.local", name="Sở Nội vụ (demo)", role="province_admin")
    agency = User(email="agency@demo.local", name="UBND xã Ba Bể (demo)", role="agency",
                  units=[units[code] for code in AGENCY_UNITS])
    for user in (admin, agency):
        user.set_password(DEMO_PASSWORDS[user.email])
    db.session.add_all([admin, agency])


def _response_row(rng: np.random.Generator, campaign_id: int, unit_id: int, form: Questionnaire,
                  propensity: float, first: date, last: date) -> dict[str, object]:
    span = max((last - first).days, 0)
    day = first + timedelta(days=int(rng.integers(0, span + 1)))
    rng.integers(0, 9 * 60)  # once the minute of the answer, which is no longer kept; drawn so the figures stay
    happy = float(np.clip(rng.normal(propensity, 0.12), 0.02, 0.995))
    answers: dict[str, object] = {}
    for item in form.items:
        if not item.visible(answers):
            continue
        value = _answer(rng, item, happy)
        if value is not None:
            answers[item.id] = value
    return {
        "campaign_id": campaign_id, "unit_id": unit_id, "questionnaire_id": form.id,
        "questionnaire_version": form.version, "channel": "kiosk" if rng.random() < 0.55 else "qr",
        "locale": "vi" if rng.random() < 0.93 else "en", "submitted_on": day, "answers": answers,
        "submission_id": uuid.UUID(bytes=rng.bytes(16), version=4).hex, "comment_hidden": False,
    }


def _answer(rng: np.random.Generator, item: Item, happy: float) -> object | None:
    if item.role == "demographic":
        shares = DEMOGRAPHIC_SHARES.get(item.weighting_variable or "")
        codes = [o.code for o in item.options]
        if rng.random() < 0.04:
            return None  # declined
        if shares and set(shares) == set(codes):
            return str(rng.choice(codes, p=[shares[c] for c in codes]))
        return str(rng.choice(codes))
    if not item.required and item.type != "likert5" and rng.random() < 0.3:
        return None
    if item.type == "likert5":
        if rng.random() < 0.03:
            return NOT_APPLICABLE
        satisfied = rng.random() < happy
        return int(rng.choice([4, 5], p=[0.55, 0.45]) if satisfied else rng.choice([1, 2, 3], p=[0.15, 0.3, 0.55]))
    if item.type == "yes_no":
        return "yes" if rng.random() < YES_SHARE.get(item.id, lambda h: 0.3)(happy) else "no"
    if item.type == "single":
        return str(rng.choice([o.code for o in item.options]))
    if item.type == "multi":
        codes = [o.code for o in item.options]
        return [c for c in codes if rng.random() < 0.3] or [codes[0]]
    if item.type == "number":
        low, high = item.min if item.min is not None else 0, item.max if item.max is not None else 10
        return int(rng.integers(int(low), int(high) + 1))
    if item.type == "text":
        return str(rng.choice(COMMENTS)) if rng.random() < 0.12 else None
    return None
