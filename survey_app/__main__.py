"""``python -m survey_app``: the README's demo command.

Creates or upgrades ``instance/survey.sqlite``, adds the demo province once, prints the kiosk and QR links and
the demo staff accounts, then serves on 127.0.0.1 (``PORT``, default 5000) until Ctrl-C.
"""

from __future__ import annotations

import os

from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, run_simple

from . import create_app
from .database import prepare_database
from .demo import DEMO_PASSWORDS
from .models import Campaign, CampaignUnit
from .platform.extensions import db
from .speech import speak_in_background


class AnonymousRequestHandler(WSGIRequestHandler):
    """Werkzeug's access log without the client address or query string: respondents are anonymous, logs included."""

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The path without its query string: a receipt code travels as ``?code=``, and the log line has a time."""
        self.path = self.path.split("?", 1)[0]
        self.requestline = self.requestline.split("?", 1)[0]
        super().log_request(code, size)


def main() -> None:
    port = int(os.environ.get("PORT", "5000"))
    base = f"http://127.0.0.1:{port}"
    app = create_app()
    with app.app_context():
        added = prepare_database(demo=True)
        print("Demo data created." if added else "Demo data already present.")
        speak_in_background(app)
        campaign = db.session.scalars(select(Campaign).where(Campaign.status == "open")
                                      .order_by(Campaign.starts_on.desc())).first()
        if campaign is not None:
            print(f"\nOpen campaign: {campaign.name}")
            links = db.session.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)
                                       .order_by(CampaignUnit.id)).all()
            for link in links:
                unit = link.unit
                print(f"  {unit.name}\n    kiosk: {base}/k/{unit.kiosk_token}\n    QR:    {base}/s/{unit.qr_token}")
        print(f"\nStaff sign-in: {base}/login")
        for email, password in DEMO_PASSWORDS.items():
            print(f"  {email}  /  {password}   (demo only)")
        print(f"\nServing on {base} — press Ctrl-C to stop.", flush=True)
    run_simple("127.0.0.1", port, app, threaded=True, request_handler=AnonymousRequestHandler)


if __name__ == "__main__":
    main()
