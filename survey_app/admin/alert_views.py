"""The alerts page: what needs the province's attention now, and whether each alert has been e-mailed.

Province administrators only (informal-payment reports are among the alerts). The same list is e-mailed by
``flask alerts send`` (:mod:`survey_app.alert_mail`).
"""

from __future__ import annotations

from flask import current_app, render_template

from ..alert_mail import sent_keys
from ..alerts import KIND_TITLES, KINDS, current_alerts
from ..auth.access import admin_required
from ..models import utcnow
from ..survey.submission import province_today
from .routes import bp


@bp.route("/alerts")
@admin_required
def alerts() -> str:
    found = current_alerts(province_today(), utcnow(), current_app.config)
    groups = [(kind, KIND_TITLES[kind], [a for a in found if a.kind == kind]) for kind in KINDS]
    return render_template("admin/alerts.html", groups=groups, count=len(found), sent=sent_keys(),
                           mail_server=current_app.config.get("MAIL_SERVER"),
                           digest=current_app.config.get("ALERTS_DAILY_DIGEST"))
