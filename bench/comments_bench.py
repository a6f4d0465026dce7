"""How big a unit page is, and how long its comments take, with the demo grown to a province's scale.

    python bench/comments_bench.py [--factor 72]

Builds the demo province in a temporary SQLite database, copies the open campaign's responses ``factor`` times
(new submission ids; at 72 the open campaign holds about as many answers as the 200 990 of the issue's
measurement, 1 800-odd comments in its largest unit), then signs in as the province administrator and as an
agency user and prints, for the unit with the most comments: the unit page's bytes and time, the comment list's
(second page, a search), and the time to fold and group the unit's comments alone. Run it once with
``PYTHONPATH`` pointing at an older checkout to get the "before" figures of the unit page (the list and grouping
lines are skipped when that code has no comment list).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from survey_app import create_app  # noqa: E402
from survey_app.auth import staff_session  # noqa: E402
from survey_app.demo import seed  # noqa: E402
from survey_app.models import Campaign, Response, User  # noqa: E402
from survey_app.platform.extensions import db  # noqa: E402

COPY_COLUMNS = ("campaign_id", "unit_id", "questionnaire_id", "questionnaire_version", "channel", "locale",
                "submitted_on", "answers", "comment_hidden")


def grow(campaign_id: int, factor: int) -> int:
    """Copy the campaign's responses ``factor`` times with new submission ids; the number of rows afterwards."""
    rows = [dict(zip(COPY_COLUMNS, row, strict=True)) for row in db.session.execute(
        select(*(getattr(Response, c) for c in COPY_COLUMNS)).where(Response.campaign_id == campaign_id))]
    for _copy in range(factor):
        db.session.execute(insert(Response), [{**row, "submission_id": uuid.uuid4().hex} for row in rows])
    db.session.commit()
    return int(db.session.scalar(select(func.count()).where(Response.campaign_id == campaign_id)) or 0)


def timed(client, url: str, repeat: int = 3) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Bytes of the page and the median seconds of ``repeat`` warm requests (after one to warm the caches)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return len(response.data), statistics.median(times)


def signed_in(app, email: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user = db.session.scalar(select(User).where(User.email == email))
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session[staff_session.SEEN_KEY] = int(time.time())
        session["_fresh"] = True
    return client, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=72)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": True})
        with app.app_context():
            db.create_all()
            seed(today=date(2026, 12, 1))
            campaign = db.session.scalar(select(Campaign).where(Campaign.status == "open"))
            started = time.perf_counter()
            total = grow(campaign.id, args.factor)
            print(f"open campaign grown to {total:,} responses in {time.perf_counter() - started:.1f} s")
            counts = db.session.execute(select(Response.unit_id, func.count()).where(
                Response.campaign_id == campaign.id).group_by(Response.unit_id)).all()
            sizes = dict(counts)
            admin, admin_user = signed_in(app, "admin@demo.local")
            agency, agency_user = signed_in(app, "agency@demo.local")
            report(app, admin, admin_user, campaign.id, max(sizes, key=sizes.__getitem__))
            own = [u.id for u in agency_user.units if u.id in sizes]
            report(app, agency, agency_user, campaign.id, max(own, key=sizes.__getitem__))


def report(app, client, user: User, campaign_id: int, unit_id: int) -> None:  # type: ignore[no-untyped-def]
    """Print the figures of one unit as ``user`` sees them."""
    who, url = user.role.replace("province_", ""), f"/reports/{campaign_id}/units/{unit_id}"
    size, seconds = timed(client, url)
    print(f"{who:6} unit page         {size / 1024:8.1f} KB  {seconds * 1000:7.0f} ms  ({url})")
    if "reports.comments" not in app.view_functions:
        return
    for label, suffix in (("comments page 2", "/comments?page=2"), ("search 'cho lau'", "/comments?q=cho+lau")):
        size, seconds = timed(client, url + suffix)
        print(f"{who:6} {label:18} {size / 1024:8.1f} KB  {seconds * 1000:7.0f} ms")
    from flask_login import login_user

    from survey_app.reports.grouping import group
    from survey_app.reports.moderation import reader_comments

    with app.test_request_context():
        login_user(user)
        _unit, comments = reader_comments(db.session.get(Campaign, campaign_id), unit_id)
    start = time.perf_counter()
    groups = group(comments, split=("hidden",))
    print(f"{who:6} fold+group {len(comments):,} comments into {len(groups):,} groups: "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
