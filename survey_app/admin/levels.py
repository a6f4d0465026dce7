"""The province's administrative levels: list, add or rename, and remove one no unit uses.

Levels are data (see :mod:`survey_app.levels`): after the 1 July 2025 reform a province lists ``province`` and
``commune``; a level retired by a reform (``district``) stays while units of older campaigns keep it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth.access import admin_required
from ..levels import CURRENT_TIERS
from ..models import Level, Unit
from ..platform.extensions import db
from .forms import LevelForm
from .routes import bp


def _levels() -> list[Level]:
    """The stored levels; an empty table is first filled with the two current tiers, so the page shows them."""
    rows = list(db.session.scalars(select(Level).order_by(Level.position, Level.code)))
    if not rows:
        rows = [Level(code=code, name=name, position=n) for n, (code, name) in enumerate(CURRENT_TIERS, start=1)]
        db.session.add_all(rows)
        db.session.commit()
    return rows


@bp.route("/levels", methods=["GET", "POST"])
@admin_required
def levels() -> str | WerkzeugResponse:
    rows = _levels()
    form = LevelForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        level = next((row for row in rows if row.code == code), None) or Level(code=code)
        level.name, level.position = form.name.data.strip(), form.position.data
        db.session.add(level)
        db.session.commit()
        flash(_("Level %(code)s saved.", code=code), "info")
        return redirect(url_for("admin.levels"))
    used = dict(db.session.execute(select(Unit.level, func.count()).group_by(Unit.level)).all())
    return render_template("admin/levels.html", levels=rows, used=used, form=form, delete_form=FlaskForm())


@bp.route("/levels/delete", methods=["POST"])
@admin_required
def level_delete() -> WerkzeugResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    level = db.session.scalar(select(Level).where(Level.code == request.form.get("code", "")))
    if level is None:
        flash(_("Choose a level to remove."), "error")
    elif db.session.scalar(select(func.count()).select_from(Unit).where(Unit.level == level.code)):
        flash(_("Units are still at level %(code)s: move them to another level first.", code=level.code), "error")
    else:
        db.session.delete(level)
        db.session.commit()
        flash(_("Level %(code)s removed.", code=level.code), "info")
    return redirect(url_for("admin.levels"))
