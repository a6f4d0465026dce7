"""A campaign's census margins: the population shares the reports rake to, with the source they come from.

The respondents of a kiosk or QR survey are not a miniature of the province (the demo's over-represent women
and under-represent the Kinh); raking to the census shares of gender, age group and ethnicity corrects that.
A province administrator sets them per campaign from a YAML or JSON file (``{margins: {variable: {category:
share}}, source: "..."}``, see :mod:`analysis.margins`) with ``flask margins set``; they are kept in the
instance folder next to the database, one file per campaign, and every report that uses them cites the source.
When a campaign has none, the reports stay design-weighted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from analysis.margins import check_margins, read_margins

from ..revision import bump


@dataclass(frozen=True)
class CensusMargins:
    """Population shares per weighting variable, in the order they are raked on, and where they come from."""

    margins: dict[str, dict[str, float]]
    source: str


def margins_path(campaign_id: int) -> Path:
    return Path(current_app.instance_path) / "margins" / f"campaign-{int(campaign_id)}.json"


def load_margins(campaign_id: int) -> CensusMargins | None:
    """The campaign's margins, or None when none were set."""
    path = margins_path(campaign_id)
    if not path.is_file():
        return None
    content = json.loads(path.read_text(encoding="utf-8"))
    return CensusMargins(check_margins(content["margins"]), str(content["source"]))


def save_margins(campaign_id: int, margins: dict[str, dict[str, float]], source: str) -> Path:
    """Check and store a campaign's margins; the source must say where the shares come from."""
    if not source.strip():
        raise ValueError("source: say where the shares come from (e.g. the 2019 census, table ...)")
    checked = check_margins(margins)
    path = margins_path(campaign_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"margins": checked, "source": source.strip()}, ensure_ascii=False, indent=1),
                    encoding="utf-8")
    _revised(campaign_id)
    return path


def clear_margins(campaign_id: int) -> None:
    """Go back to design weights for the campaign."""
    margins_path(campaign_id).unlink(missing_ok=True)
    _revised(campaign_id)


def _revised(campaign_id: int) -> None:
    """Tell every worker that the campaign's weights changed: the file is not in the database it watches."""
    from ..platform.extensions import db

    bump(db.session.connection(), campaign_id)
    db.session.commit()


@click.group("margins")
def margins_cli() -> None:
    """Census margins the reports of a campaign are raked to."""


@margins_cli.command("set")
@click.argument("campaign_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", required=True, help="Where the shares come from, shown on the reports.")
@with_appcontext
def set_command(campaign_id: int, path: Path, source: str) -> None:
    """Rake the reports of CAMPAIGN_ID to the margins in PATH (YAML or JSON)."""
    from ..models import Campaign
    from ..platform.extensions import db

    if db.session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    try:
        saved = save_margins(campaign_id, read_margins(path), source)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Margins of campaign {campaign_id} saved to {saved}; its reports are now raked to them.")


@margins_cli.command("clear")
@click.argument("campaign_id", type=int)
@with_appcontext
def clear_command(campaign_id: int) -> None:
    """Go back to design weights for CAMPAIGN_ID."""
    clear_margins(campaign_id)
    click.echo(f"Campaign {campaign_id} is design-weighted again.")
