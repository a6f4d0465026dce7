"""The "provisional" mark on the reports of a campaign still collecting answers.

Figures of an open campaign change with every answer; a printed or downloaded copy must say so, or last week's
rate gets quoted as the quarter's result. While the campaign is open and its last day has not passed, every
report carries "Provisional — collection runs until dd/mm/yyyy": on the page, at the top of the PDF, as the
first sheet of an Excel file (opened first) and in the name of every downloaded file.
"""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import unquote

from flask import request
from flask_babel import gettext as _
from openpyxl import load_workbook
from werkzeug.wrappers import Response

from ..models import Campaign
from ..platform.attachment import content_disposition
from ..platform.extensions import db
from ..survey.submission import province_today
from .routes import bp


@bp.app_template_global()
def provisional_note(campaign: Campaign, today: date | None = None) -> str | None:
    """The banner's text, or ``None`` once the campaign is closed or past its last day."""
    if campaign.status != "open" or (today or province_today()) > campaign.ends_on:
        return None
    return _("Provisional — collection runs until %(day)s.", day=campaign.ends_on.strftime("%d/%m/%Y"))


def marked_filename(filename: str, campaign: Campaign) -> str:
    """``campaign-4-units.csv`` → ``campaign-4-units-provisional.csv`` while the campaign is collecting."""
    if provisional_note(campaign) is None:
        return filename
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-provisional{dot}{extension}"


def marked_workbook(content: bytes, campaign: Campaign) -> bytes:
    """The workbook with a first, active sheet holding the note (unchanged once the campaign is final)."""
    note = provisional_note(campaign)
    if note is None:
        return content
    book = load_workbook(io.BytesIO(content))
    sheet = book.create_sheet(_("Provisional")[:31], 0)
    sheet["A1"] = note
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.after_request
def _mark_downloads(response: Response) -> Response:
    """Every file downloaded from a campaign's reports while it collects: marked name, and a note sheet in Excel."""
    campaign_id = (request.view_args or {}).get("campaign_id")
    name = _filename(response.headers.get("Content-Disposition", ""))
    if campaign_id is None or name is None or response.status_code != 200:
        return response
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or provisional_note(campaign) is None:
        return response
    response.headers["Content-Disposition"] = content_disposition(marked_filename(name, campaign), "attachment")
    if name.endswith(".xlsx") and not response.is_streamed:  # a streamed workbook says so in its title row
        response.set_data(marked_workbook(response.get_data(), campaign))
    return response


def _filename(header: str) -> str | None:
    """The file name of a ``Content-Disposition`` header: its UTF-8 ``filename*`` (RFC 6266), else ``filename``."""
    encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    if encoded:
        return unquote(encoded.group(1))
    plain = re.search(r'filename="([^"]+)"', header)
    return plain.group(1) if plain else None
