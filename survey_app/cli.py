"""``flask`` commands: the demo, questionnaire checks and response export.

Staff accounts (``flask users …``) and translation status (``flask translations …``) register their own
groups from their modules; this module only wires them in.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

questionnaires_cli = AppGroup("questionnaires", help="Check and list questionnaire files.")
responses_cli = AppGroup("responses", help="Export collected responses; pack them for fast reading.")


@questionnaires_cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check_command(files: tuple[Path, ...]) -> None:
    """Validate questionnaire FILES; print every problem as file:line: field: message."""
    import questionnaires

    failed = False
    for path in files:
        problems = questionnaires.check_file(path)
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            failed = True
        else:
            click.echo(f"{path}: OK")
    if failed:
        sys.exit(1)


def _demographic(value: str) -> tuple[str, str]:
    item, sep, variable = value.partition("=")
    if not sep or not item.strip() or not variable.strip():
        raise click.BadParameter("write ITEM=VARIABLE, for example gender=gender")
    return item.strip(), variable.strip()


@questionnaires_cli.command("convert")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="YAML file to write (default: stdout).")
@click.option("--sector", type=click.Choice(["one_stop", "health", "education"]), help="The service sector.")
@click.option("--target", type=click.FloatRange(0, 1, min_open=True), help="Target satisfaction rate, e.g. 0.9.")
@click.option("--overall", metavar="ITEM", help="The question about overall satisfaction (its XLSForm name).")
@click.option("--demographic", "demographics", metavar="ITEM=VARIABLE", multiple=True,
              help="A question matching a population margin, e.g. gender=gender (repeatable).")
@click.option("--likert", "likert", metavar="LIST", multiple=True,
              help="A choice list that is a 5-point satisfaction scale, read as likert5 (repeatable).")
@click.option("--catalogs/--no-catalogs", default=True,
              help="Write the texts of the workbook's other languages into their gettext catalogs.")
@with_appcontext
def convert_command(workbook: Path, out: Path | None, sector: str | None, target: float | None,
                    overall: str | None, demographics: tuple[str, ...], likert: tuple[str, ...],
                    catalogs: bool) -> None:
    """Convert an XLSForm WORKBOOK (.xlsx or .xls, from KoboToolbox or ODK) to our YAML format."""
    from questionnaires import xlsform

    options = xlsform.Options(sector=sector, target=target, overall=overall,
                              demographics=tuple(_demographic(value) for value in demographics),
                              likert=likert)
    conversion = xlsform.convert(workbook, options)
    for problem in conversion.problems:
        click.echo(str(problem), err=True)
    for warning in conversion.warnings:
        click.echo(f"warning: {warning}", err=True)
    form = conversion.questionnaire
    if form is None or conversion.problems:
        sys.exit(1)
    text = xlsform.to_yaml(form, comment=f"Converted from {workbook.name}")
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{workbook} -> {out}")
    if catalogs and conversion.texts:
        from .catalog_import import add_texts

        for code, count in add_texts(conversion.texts).items():
            click.echo(f"{count} texts added to the '{code}' catalog")


@questionnaires_cli.command("export-xlsform")
@click.argument("questionnaire")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_xlsform_command(questionnaire: str, workbook: Path) -> None:
    """Write shipped QUESTIONNAIRE as an XLSForm WORKBOOK (.xlsx), every language as label::… columns."""
    from questionnaires import xlsform

    from .catalog_import import languages_and_translate
    from .questionnaire_registry import registry

    forms = registry()
    if questionnaire not in forms:
        raise click.ClickException(f"no questionnaire '{questionnaire}'; see `flask questionnaires list`")
    languages, translate = languages_and_translate()
    xlsform.to_xlsform(forms[questionnaire], workbook, languages, translate)
    click.echo(f"{questionnaire} -> {workbook}")


@questionnaires_cli.command("list")
@with_appcontext
def list_command() -> None:
    """List the questionnaires the application serves."""
    from .questionnaire_registry import registry

    for form in registry().values():
        click.echo(f"{form.id}\tv{form.version}\t{form.sector}\ttarget {form.target:.0%}\t{len(form.items)} items")


@responses_cli.command("export")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="CSV file to write.")
@with_appcontext
def export_command(campaign_id: int, out: Path) -> None:
    """Write one CSV row per response of a campaign (the analysis package reads this file)."""
    from analysis.data import export_csv

    count = export_csv(current_app.config["SQLALCHEMY_DATABASE_URI"], campaign_id, out)
    click.echo(f"{count} responses written to {out}")


@responses_cli.command("pack")
@click.option("--campaign", "campaign_id", type=int, default=None, help="Campaign id (default: every campaign).")
@click.option("--block-size", type=click.IntRange(min=1), default=None,
              help="Responses per block (default: analysis.blocks.BLOCK_SIZE).")
@with_appcontext
def pack_command(campaign_id: int | None, block_size: int | None) -> None:
    """Pack stored responses into column blocks, so that reports and analyses read large campaigns fast.

    Run it from cron (e.g. every 15 minutes): it packs what arrived since, rebuilds blocks that a hidden comment or
    a deleted response made stale, and does nothing when there is nothing to do. Safe while answers stream in.
    """
    from analysis.blocks import BLOCK_SIZE, pack

    from .models import Campaign
    from .platform.extensions import db

    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"no campaign {campaign_id}; campaign ids are on the campaigns page")
    size = block_size or BLOCK_SIZE
    started = time.monotonic()
    written = pack(db.engine, campaign_id, size)
    click.echo(f"{written} blocks of up to {size} responses written in {time.monotonic() - started:.1f} s")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the schema and the demo province (idempotent)."""
    from .database import prepare_database

    added = prepare_database(demo=True)
    click.echo("Demo data created." if added else "Demo data already present; nothing added.")


@click.group("alerts", help="E-mail what needs the province's attention.")
def alerts_cli() -> None:
    pass


@alerts_cli.command("send")
@with_appcontext
def alerts_send_command() -> None:
    """E-mail the alerts not sent before (run it from cron, e.g. every 15 minutes)."""
    from .alert_mail import MailError, send_due
    from .alerts import current_alerts
    from .models import utcnow
    from .survey.submission import province_today

    with current_app.test_request_context(), force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        today = province_today()
        try:
            outcome = send_due(current_alerts(today, utcnow(), current_app.config), today, current_app.config)
        except MailError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
    if outcome.alerts:
        click.echo(f"{outcome.alerts} new alerts sent in {outcome.messages} e-mails.")
    else:
        click.echo("No new alert to send.")


def init_app(app: Flask) -> None:
    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(responses_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(alerts_cli)
    for module_name, attribute in (("survey_app.auth.commands", "users_cli"),
                                   ("survey_app.translation_status", "translations_cli"),
                                   ("survey_app.reports.census", "margins_cli")):
        try:
            module = __import__(module_name, fromlist=[attribute])
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        app.cli.add_command(getattr(module, attribute))
