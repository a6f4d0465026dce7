"""Unit views: the list, one unit's form (new or edit), and the CSV import (all or nothing)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from ..auth.access import admin_required
from ..collation import sort_key
from ..i18n import available_locales, language_name
from ..levels import level_name, level_names
from ..models import SECTORS, Campaign, CampaignUnit, Unit
from ..platform.extensions import db
from ..questionnaire_registry import registry
from .forms import ImportForm, UnitForm
from .importer import COLUMNS, ImportProblem, ImportRules, UnitRow, read_units_csv
from .routes import bp, sector_label


def _locked_sectors() -> dict[str, str]:
    """Units already in a campaign keep their sector: their questionnaire was chosen for it."""
    rows = db.session.execute(select(Unit.code, Unit.sector).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                              .distinct()).all()
    return dict(rows)


@bp.route("/units")
@admin_required
def units() -> str:
    rows = db.session.scalars(select(Unit).order_by(Unit.sector, Unit.level)).all()
    rows = sorted(rows, key=lambda unit: (unit.sector, unit.level, sort_key(unit.name)))
    return render_template("admin/units.html", units=rows)


def _unit_form(unit: Unit | None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.sector.choices = [SelectChoice(code, sector_label(code)) for code in SECTORS]
    levels = list(level_names())
    if unit is not None and unit.level not in levels:  # a level retired since (a district): the unit may keep it
        levels.append(unit.level)
    form.level.choices = [SelectChoice(code, level_name(code)) for code in levels]
    form.default_locale.choices = [SelectChoice(code, language_name(code)) for code in available_locales()]
    return form


def _edit(unit: Unit | None) -> str | WerkzeugResponse:
    form = _unit_form(unit)
    if form.validate_on_submit():
        code = form.code.data.strip()
        clash = db.session.scalar(select(Unit).where(Unit.code == code))
        locked = _locked_sectors().get(unit.code) if unit else None
        if clash is not None and clash is not unit:
            form.code.errors.append(_("Another unit already has this code: choose a different one"))
        elif locked and form.sector.data != locked:
            form.sector.errors.append(_("This unit takes part in a campaign: its sector cannot change"))
        else:
            target = unit or Unit()
            target.code, target.name = code, form.name.data.strip()
            target.sector, target.level = form.sector.data, form.level.data
            target.area, target.default_locale = (form.area.data or "").strip(), form.default_locale.data
            db.session.add(target)
            db.session.commit()
            flash(_("Unit saved."), "info")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def unit_new() -> str | WerkzeugResponse:
    return _edit(None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_required
def unit_edit(unit_id: int) -> str | WerkzeugResponse:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return _edit(unit)


def _questionnaire_for(campaign: Campaign, sector: str) -> str | None:
    """The campaign's questionnaire for the sector, else the first one the application serves for it."""
    chosen = next((link.questionnaire_id for link in campaign.units if link.unit.sector == sector), None)
    served = sorted(q.id for q in registry().values() if q.sector == sector)
    return chosen or (served[0] if served else None)


def _store(rows: list[UnitRow], campaign: Campaign | None) -> None:
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_([r.code for r in rows])))}
    links = {link.unit.code: link for link in campaign.units} if campaign else {}
    for row in rows:
        unit = existing.get(row.code) or Unit(code=row.code)
        unit.name, unit.sector, unit.level = row.name, row.sector, row.level
        unit.area, unit.default_locale = row.area, row.default_locale
        db.session.add(unit)
        if campaign is not None and row.service_volume is not None:
            link = links.get(row.code)
            if link is None:
                link = CampaignUnit(unit=unit, questionnaire_id=_questionnaire_for(campaign, row.sector))
                campaign.units.append(link)
            link.service_volume, link.area = row.service_volume, row.area


@bp.route("/units/import", methods=["GET", "POST"])
@admin_required
def units_import() -> str | WerkzeugResponse:
    form = ImportForm()
    campaigns = db.session.scalars(select(Campaign).where(Campaign.status != "closed")
                                   .order_by(Campaign.starts_on.desc())).all()
    form.campaign.choices = [SelectChoice("", _("No campaign: only the unit list"))] + [
        SelectChoice(str(c.id), c.name) for c in campaigns]
    problems: list[ImportProblem] = []
    if form.validate_on_submit():
        campaign = db.session.get(Campaign, int(form.campaign.data)) if form.campaign.data else None
        rules = ImportRules(
            locales=available_locales(), levels=list(level_names()), volume_required=campaign is not None,
            sectors_available={q.sector for q in registry().values()} if campaign else SECTORS,
            locked_sectors=_locked_sectors())
        rows, problems = read_units_csv(form.file.data.read(), rules)
        if not problems:
            with db.session.no_autoflush:
                _store(rows, campaign)
            db.session.commit()
            flash(_("%(count)d units imported.", count=len(rows)), "info")
            return redirect(url_for("admin.campaign", campaign_id=campaign.id) if campaign else url_for("admin.units"))
    return render_template("admin/units_import.html", form=form, problems=problems, columns=COLUMNS,
                           sectors=SECTORS, levels=list(level_names()), locales=available_locales())
