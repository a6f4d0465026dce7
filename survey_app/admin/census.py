"""Census margins on the web: the province administrator uploads the population shares a campaign's reports are
raked to (YAML, JSON or CSV, with the source they come from), or clears them.

The shares are checked here with messages in the reader's language before anything is stored: each variable must
be a question with choices in the campaign's questionnaires, each category one of that question's codes, each
share a number between 0 and 1, and the shares of a variable must sum to 1. Storing goes through
:func:`survey_app.reports.census.save_margins`, the same as ``flask margins set``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import yaml
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from analysis.margins import SUM_TOLERANCE

from ..auth.access import admin_required
from ..models import Campaign
from ..questionnaire_registry import registry
from ..reports.census import clear_margins, load_margins, save_margins
from .routes import bp, campaign_or_404

SUFFIXES = (".yaml", ".yml", ".json", ".csv")
CSV_COLUMNS = ("variable", "category", "share")


class MarginsForm(FlaskForm):
    """The file of shares and where they come from (printed under the report's tables)."""

    file = FileField(_l("File of population shares"), validators=[FileRequired(_l("Choose a file"))])
    source = StringField(_l("Source of the shares"), validators=[
        DataRequired(_l("Say where the shares come from, e.g. the 2019 census, table 1.3")), Length(max=300)])


def weighting_questions(campaign: Campaign) -> dict[str, set[str]]:
    """Each question with choices in the campaign's questionnaires, by id, with the codes of its choices."""
    forms = registry()
    codes: dict[str, set[str]] = {}
    for link in campaign.units:
        form = forms.get(link.questionnaire_id)
        for item in form.items if form else ():
            if item.options and item.type == "single":
                codes.setdefault(item.id, set()).update(option.code for option in item.options)
    return codes


def read_shares(filename: str, data: bytes, questions: Mapping[str, set[str]]) -> tuple[dict[str, dict[str, float]],
                                                                                          list[str]]:
    """The margins in an uploaded file, and the problems that stop them being used (empty when none)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        return {}, [_("The file must end in .yaml, .yml, .json or .csv, not '%(name)s'.", name=filename)]
    try:
        text = data.decode("utf-8-sig")
        content = _parse(suffix, text)
    except UnicodeDecodeError:
        return {}, [_("The file is not UTF-8 text.")]
    except (yaml.YAMLError, json.JSONDecodeError, csv.Error, ValueError) as error:
        return {}, [_("The file cannot be read: %(error)s", error=str(error).splitlines()[0][:200])]
    if isinstance(content, Mapping) and "margins" in content:
        content = content["margins"]
    if not isinstance(content, Mapping) or not content:
        return {}, [_("The file holds no shares: give each variable's categories with their share.")]
    return _check(content, questions)


def _parse(suffix: str, text: str) -> Any:
    if suffix == ".json":
        return json.loads(text)
    if suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))
    if not rows or any(column not in rows[0] for column in CSV_COLUMNS):
        raise ValueError(_("the first line must name the columns variable, category, share"))
    content: dict[str, dict[str, Any]] = {}
    for row in rows:
        content.setdefault(str(row["variable"]).strip(), {})[str(row["category"]).strip()] = \
            str(row["share"]).strip().replace(",", ".")
    return content


def _check(content: Mapping[Any, Any], questions: Mapping[str, set[str]]) -> tuple[dict[str, dict[str, float]],
                                                                                   list[str]]:
    problems: list[str] = []
    margins: dict[str, dict[str, float]] = {}
    for variable, shares in content.items():
        name = str(variable)
        if name not in questions:
            problems.append(_("'%(variable)s' is not a question with choices in this campaign's questionnaires "
                              "(these are: %(known)s).", variable=name, known=", ".join(sorted(questions)) or "–"))
            continue
        if not isinstance(shares, Mapping) or not shares:
            problems.append(_("Give the categories of '%(variable)s' with their share.", variable=name))
            continue
        clean: dict[str, float] = {}
        for category, share in shares.items():
            code = str(category)
            if code not in questions[name]:
                codes = ", ".join(sorted(questions[name]))
                problems.append(_("'%(category)s' is not a code of the question '%(variable)s' (its codes: "
                                  "%(codes)s).", category=code, variable=name, codes=codes))
                continue
            try:
                value = float(share)
            except (TypeError, ValueError):
                value = math.nan
            if not 0 <= value <= 1:
                problems.append(_("The share of '%(category)s' in '%(variable)s' must be a number from 0 to 1 "
                                  "(0.51 for 51 %%), not '%(share)s'.", category=code, variable=name, share=share))
                continue
            clean[code] = value
        total = math.fsum(clean.values())
        if len(clean) == len(shares) and abs(total - 1) > SUM_TOLERANCE:
            problems.append(_("The shares of '%(variable)s' sum to %(total)s; they must sum to 1.",
                              variable=name, total=f"{total:.6g}"))
        margins[name] = clean
    return margins, problems


@bp.route("/campaigns/<int:campaign_id>/margins", methods=["GET", "POST"])
@admin_required
def campaign_margins(campaign_id: int) -> str | WerkzeugResponse:
    """Upload the census shares the campaign's reports are raked to."""
    campaign = campaign_or_404(campaign_id)
    form = MarginsForm()
    questions = weighting_questions(campaign)
    problems: list[str] = []
    if form.validate_on_submit():
        margins, problems = read_shares(form.file.data.filename, form.file.data.read(), questions)
        if not problems:
            save_margins(campaign.id, margins, form.source.data)
            flash(_("The census shares are saved: the campaign's reports are now raked to them."), "info")
            return redirect(url_for("admin.campaign_margins", campaign_id=campaign.id))
    return render_template("admin/margins.html", campaign=campaign, form=form, problems=problems,
                           current=load_margins(campaign.id), questions=questions)


@bp.route("/campaigns/<int:campaign_id>/margins/clear", methods=["POST"])
@admin_required
def campaign_margins_clear(campaign_id: int) -> WerkzeugResponse:
    """Go back to design weights (the reports say so)."""
    campaign = campaign_or_404(campaign_id)
    clear_margins(campaign.id)
    flash(_("The census shares are removed: the reports are weighted by units' volumes only."), "info")
    return redirect(url_for("admin.campaign_margins", campaign_id=campaign.id))
