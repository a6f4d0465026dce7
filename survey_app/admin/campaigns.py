"""Campaign views: list, create and edit (period, questionnaire per sector, units with their service volume),
open and close, the campaign page with every unit's links, and the sample-size planner."""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from ..auth.access import admin_required, staff_required, visible_unit_ids
from ..collation import sort_key
from ..kiosk_health import kiosk_states
from ..models import SECTORS, Campaign, CampaignUnit, ReceiptCode, Response, Unit, utcnow
from ..platform.extensions import db
from ..questionnaire_registry import registry
from ..survey.submission import province_today
from .forms import CampaignForm, PlannerForm, ReceiptCodesForm, SaveQuotasForm
from .planner import plan_quotas
from .routes import bp, campaign_or_404, kiosk_url, qr_url, visible_links


@bp.route("/campaigns")
@staff_required
def campaigns() -> str:
    query = select(Campaign).order_by(Campaign.starts_on.desc())
    allowed = visible_unit_ids()
    if allowed is not None:
        query = query.where(Campaign.units.any(CampaignUnit.unit_id.in_(allowed)))
    return render_template("admin/campaigns.html", campaigns=db.session.scalars(query).all())


def _questionnaire_choices() -> dict[str, list[SelectChoice]]:
    choices: dict[str, list[SelectChoice]] = {sector: [] for sector in SECTORS}
    for form in sorted(registry().values(), key=lambda q: q.id):
        label = f"{_(form.title)} ({form.id}, v{form.version})"
        choices.setdefault(form.sector, []).append(SelectChoice(form.id, label))
    return choices


def _fill_form(form: CampaignForm, campaign: Campaign | None, units: Sequence[Unit]) -> None:
    """Rows for every unit: the campaign's own values, else the unit's last campaign (a new quarter usually
    repeats the previous one)."""
    current = {link.unit_id: link for link in campaign.units} if campaign else {}
    for unit in units:
        link = current.get(unit.id)
        previous = link or db.session.scalar(select(CampaignUnit).where(CampaignUnit.unit_id == unit.id)
                                             .order_by(CampaignUnit.id.desc()).limit(1))
        form.units.append_entry({
            "unit_id": str(unit.id), "included": link is not None if campaign else previous is not None,
            "service_volume": str(previous.service_volume) if previous else "",
            "receipt_codes": bool(previous and previous.receipt_codes_required),
            "kiosk_without_codes": bool(previous and previous.kiosk_without_codes),
        })
    for sector in SECTORS:
        chosen = next((link.questionnaire_id for link in current.values() if link.unit.sector == sector), None)
        if chosen:
            form.questionnaire_field(sector).data = chosen


def _save_units(form: CampaignForm, campaign: Campaign, units_by_id: dict[int, Unit]) -> bool:
    """Apply the unit rows; refuse to drop a unit that already has responses in this campaign."""
    current = {link.unit_id: link for link in campaign.units}
    ok = True
    for entry in form.units:
        row = entry.form
        unit = units_by_id.get(int(row.unit_id.data)) if (row.unit_id.data or "").isdigit() else None
        if unit is None:
            continue
        link = current.get(unit.id)
        if not row.included.data:
            if link is not None and campaign.id is not None and db.session.scalar(
                    select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id,
                                                                     Response.unit_id == unit.id)):
                row.included.errors = [_("This unit already has responses in this campaign: keep it")]
                ok = False
            elif link is not None:
                campaign.units.remove(link)
            continue
        if link is None:
            link = CampaignUnit(unit=unit, area=unit.area)  # the grouping this campaign's reports keep
            campaign.units.append(link)
        link.questionnaire_id = form.questionnaire_field(unit.sector).data
        link.service_volume = int(row.service_volume.data.strip())
        link.receipt_codes_required = bool(row.receipt_codes.data)
        link.kiosk_without_codes = bool(row.receipt_codes.data and row.kiosk_without_codes.data)
    return ok


def _edit(campaign: Campaign | None) -> str | WerkzeugResponse:
    units = sorted(db.session.scalars(select(Unit)).all(), key=lambda unit: (unit.sector, sort_key(unit.name)))
    units_by_id = {unit.id: unit for unit in units}
    # Not obj=campaign: its `units` (links) would become rows of their own beside the rows built below.
    form = CampaignForm(data={"name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
                              "late_days": campaign.late_days} if campaign and request.method == "GET" else None)
    form.set_questionnaire_choices(_questionnaire_choices())
    if request.method == "GET":
        _fill_form(form, campaign, units)
    elif form.validate():
        sectors = {units_by_id[int(e.form.unit_id.data)].sector for e in form.units
                   if e.form.included.data and (e.form.unit_id.data or "").isdigit()
                   and int(e.form.unit_id.data) in units_by_id}
        target = campaign or Campaign(status="draft")
        if form.check_questionnaires(sectors):
            target.name = form.name.data.strip()
            target.starts_on, target.ends_on = form.starts_on.data, form.ends_on.data
            target.late_days = form.late_days.data
            with db.session.no_autoflush:
                saved = _save_units(form, target, units_by_id)
            if saved:
                db.session.add(target)
                db.session.commit()
                flash(_("Campaign saved."), "info")
                return redirect(url_for("admin.campaign", campaign_id=target.id))
            db.session.rollback()
    return render_template("admin/campaign_form.html", form=form, campaign=campaign, units_by_id=units_by_id)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_required
def campaign_new() -> str | WerkzeugResponse:
    return _edit(None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_required
def campaign_edit(campaign_id: int) -> str | WerkzeugResponse:
    return _edit(campaign_or_404(campaign_id))


@bp.route("/campaigns/<int:campaign_id>")
@staff_required
def campaign(campaign_id: int) -> str:
    campaign = campaign_or_404(campaign_id)
    links = visible_links(campaign)
    unused = dict(db.session.execute(
        select(ReceiptCode.campaign_unit_id, func.count()).where(
            ReceiptCode.campaign_unit_id.in_([link.id for link in links]), ReceiptCode.used.is_(False))
        .group_by(ReceiptCode.campaign_unit_id)).all())
    kiosks = kiosk_states([link.unit_id for link in links], utcnow(), current_app.config)
    return render_template("admin/campaign.html", campaign=campaign, links=links, unused=unused,
                           kiosk_url=kiosk_url, qr_url=qr_url, codes_form=ReceiptCodesForm(),
                           questionnaires=registry(), kiosks=kiosks,
                           unit_names={link.unit_id: link.unit.name for link in links},
                           silent_minutes=current_app.config.get("KIOSK_SILENT_MINUTES", 30))


@bp.route("/campaigns/<int:campaign_id>/confirm-open")
@admin_required
def campaign_confirm_open(campaign_id: int) -> str:
    return _confirm(campaign_id, "open")


@bp.route("/campaigns/<int:campaign_id>/confirm-close")
@admin_required
def campaign_confirm_close(campaign_id: int) -> str:
    return _confirm(campaign_id, "close")


def _confirm(campaign_id: int, action: str) -> str:
    """Before opening or closing: what will happen, and a button that does it (the POST routes below)."""
    campaign = campaign_or_404(campaign_id)
    today = province_today()
    return render_template("admin/campaign_confirm.html", campaign=campaign, action=action, today=today,
                           units=len(campaign.units))


@bp.route("/campaigns/<int:campaign_id>/open", methods=["POST"])
@admin_required
def campaign_open(campaign_id: int) -> WerkzeugResponse:
    """Open for answers; a campaign whose period is over, or without units, cannot be opened."""
    campaign = campaign_or_404(campaign_id)
    clash = _overlapping(campaign)
    if not campaign.units:
        flash(_("Add at least one unit before opening the campaign."), "error")
    elif campaign.ends_on < utcnow().date():
        flash(_("The period of this campaign is over. Change its last day before opening it."), "error")
    elif clash is not None:
        flash(_("%(unit)s is already in the open campaign “%(campaign)s” on some of the same days: a unit's links "
                "lead to one campaign at a time. Change the dates or the units first.",
                unit=clash[0].name, campaign=clash[1].name), "error")
    else:
        campaign.status, campaign.closed_on = "open", None
        db.session.commit()
        flash(_("The campaign is open: answers are accepted from its first to its last day."), "info")
    return redirect(url_for("admin.campaign", campaign_id=campaign.id))


def _overlapping(campaign: Campaign) -> tuple[Unit, Campaign] | None:
    """A unit of ``campaign`` that another open campaign covers on one of the same days, with that campaign."""
    other = aliased(CampaignUnit)
    row = db.session.execute(
        select(Unit, Campaign).join(other, other.unit_id == Unit.id).join(Campaign, Campaign.id == other.campaign_id)
        .join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
        .where(CampaignUnit.campaign_id == campaign.id, Campaign.id != campaign.id, Campaign.status == "open",
               Campaign.starts_on <= campaign.ends_on, Campaign.ends_on >= campaign.starts_on)
        .order_by(Unit.name).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


@bp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@admin_required
def campaign_close(campaign_id: int) -> WerkzeugResponse:
    campaign = campaign_or_404(campaign_id)
    if campaign.status != "open":
        flash(_("Only an open campaign can be closed."), "error")
    else:
        campaign.status, campaign.closed_on = "closed", province_today()
        db.session.commit()
        flash(_("The campaign is closed: no more answers are accepted."), "info")
    return redirect(url_for("admin.campaign", campaign_id=campaign.id))


def _saved_settings(save: SaveQuotasForm) -> tuple[float, float, float]:
    """The planner's settings sent back with the save: only values the planner offers (``margin=1e-300`` asked
    for an astronomically large quota and ended in a 500); ``ValueError`` otherwise."""
    offered = PlannerForm(MultiDict())
    margins = {choice.value for choice in offered.margin.choices or []}
    levels = {choice.value for choice in offered.level.choices or []}
    expected = float(save.expected_rate.data)
    if save.margin.data not in margins or save.level.data not in levels or not 0.01 <= expected <= 0.99:
        raise ValueError("planner settings out of range")
    return float(save.margin.data), expected, float(save.level.data)


@bp.route("/campaigns/<int:campaign_id>/planner", methods=["GET", "POST"])
@admin_required
def planner(campaign_id: int) -> str | WerkzeugResponse:
    """Respondents needed per unit for the chosen precision; saving stores them as the units' quotas."""
    campaign = campaign_or_404(campaign_id)
    form = PlannerForm(request.args)
    valid = form.validate() if request.args else True
    settings = (float(form.margin.data), form.expected_rate.data / 100, float(form.level.data)) if valid else None
    save = SaveQuotasForm()
    if request.method == "POST":
        try:
            if not save.validate_on_submit():
                abort(400)
            settings = _saved_settings(save)
            plan = plan_quotas(campaign.units, *settings)
        except (TypeError, ValueError, OverflowError):
            flash(_("Choose the margin of error, calculate, then save."), "error")
            return redirect(url_for("admin.planner", campaign_id=campaign.id))
        for link, quota in plan:
            link.quota = quota
        db.session.commit()
        flash(_("Quotas saved."), "info")
        return redirect(url_for("admin.campaign", campaign_id=campaign.id))
    plan = plan_quotas(sorted(campaign.units, key=lambda link: sort_key(link.unit.name)), *settings) if settings else []
    if settings:
        save.margin.data, save.expected_rate.data, save.level.data = (str(value) for value in settings)
    return render_template("admin/planner.html", campaign=campaign, form=form, save=save, plan=plan)
