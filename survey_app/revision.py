"""A campaign's revision and its count of responses received, kept by the database itself.

Reports cache a campaign's response frame in each worker and, when answers stream in, read only the responses
that arrived since (see :mod:`survey_app.reports.dataset`). For that, every worker of every server must learn
cheaply, and from the database alone, what changed:

* ``campaigns.responses_received`` counts every response ever stored for the campaign: a new response raises
  it by one, nothing else touches it;
* ``campaigns.revision`` goes up with every other change that alters a report: a response deleted or changed
  (a comment hidden by moderation), a unit joining, leaving or changing in the campaign (a corrected service
  volume, an area), a unit renamed, the campaign's own dates or status (closed), census margins saved.

Both are kept by triggers, not by the application, so no path can forget them: the kiosk's fast insert, the
ORM, a bulk load, a correction typed in ``psql``. On PostgreSQL the triggers are per statement with transition
tables, so a bulk insert of a million rows updates the campaign row once per statement, not once per row. The
counter's row lock serialises the commits of one campaign's submissions (each holds it from its insert to its
commit, a millisecond or two); that is what lets a reader trust that the rows it sees add up to the counter.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from analysis import schema

_SQLITE = (
    """CREATE TRIGGER IF NOT EXISTS responses_received AFTER INSERT ON responses BEGIN
       UPDATE campaigns SET responses_received = responses_received + 1 WHERE id = NEW.campaign_id; END""",
    """CREATE TRIGGER IF NOT EXISTS responses_changed AFTER UPDATE ON responses BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id IN (OLD.campaign_id, NEW.campaign_id); END""",
    """CREATE TRIGGER IF NOT EXISTS responses_deleted AFTER DELETE ON responses BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id = OLD.campaign_id; END""",
    """CREATE TRIGGER IF NOT EXISTS campaign_units_added AFTER INSERT ON campaign_units BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id = NEW.campaign_id; END""",
    """CREATE TRIGGER IF NOT EXISTS campaign_units_changed AFTER UPDATE ON campaign_units BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id IN (OLD.campaign_id, NEW.campaign_id); END""",
    """CREATE TRIGGER IF NOT EXISTS campaign_units_removed AFTER DELETE ON campaign_units BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id = OLD.campaign_id; END""",
    """CREATE TRIGGER IF NOT EXISTS units_changed AFTER UPDATE ON units BEGIN
       UPDATE campaigns SET revision = revision + 1
       WHERE id IN (SELECT campaign_id FROM campaign_units WHERE unit_id IN (OLD.id, NEW.id)); END""",
    """CREATE TRIGGER IF NOT EXISTS campaigns_changed
       AFTER UPDATE OF name, starts_on, ends_on, status, late_days, closed_on, published_on ON campaigns BEGIN
       UPDATE campaigns SET revision = revision + 1 WHERE id = NEW.id; END""",
)

_POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION survey_responses_received() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE campaigns c SET responses_received = c.responses_received + n.k
         FROM (SELECT campaign_id, count(*) AS k FROM new_rows GROUP BY campaign_id) n WHERE c.id = n.campaign_id;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE FUNCTION survey_campaign_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           UPDATE campaigns SET revision = revision + 1 WHERE id IN (SELECT campaign_id FROM new_rows);
         ELSIF TG_OP = 'DELETE' THEN
           UPDATE campaigns SET revision = revision + 1 WHERE id IN (SELECT campaign_id FROM old_rows);
         ELSE
           UPDATE campaigns SET revision = revision + 1
           WHERE id IN (SELECT campaign_id FROM old_rows UNION SELECT campaign_id FROM new_rows);
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE FUNCTION survey_unit_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE campaigns SET revision = revision + 1
         WHERE id IN (SELECT cu.campaign_id FROM campaign_units cu JOIN new_rows n ON n.id = cu.unit_id);
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE FUNCTION survey_campaign_revised() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.revision := OLD.revision + 1;
         RETURN NEW;
       END $$""",
    """CREATE OR REPLACE TRIGGER responses_received AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_responses_received()""",
    """CREATE OR REPLACE TRIGGER responses_changed AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows
       NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_campaign_changed()""",
    """CREATE OR REPLACE TRIGGER responses_deleted AFTER DELETE ON responses REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_campaign_changed()""",
    """CREATE OR REPLACE TRIGGER campaign_units_added AFTER INSERT ON campaign_units REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_campaign_changed()""",
    """CREATE OR REPLACE TRIGGER campaign_units_changed AFTER UPDATE ON campaign_units REFERENCING OLD TABLE AS old_rows
       NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_campaign_changed()""",
    """CREATE OR REPLACE TRIGGER campaign_units_removed AFTER DELETE ON campaign_units REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_campaign_changed()""",
    """CREATE OR REPLACE TRIGGER units_changed AFTER UPDATE ON units REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION survey_unit_changed()""",
    """CREATE OR REPLACE TRIGGER campaigns_changed BEFORE UPDATE ON campaigns FOR EACH ROW
       WHEN ((OLD.name, OLD.starts_on, OLD.ends_on, OLD.status, OLD.late_days, OLD.closed_on, OLD.published_on)
             IS DISTINCT FROM
             (NEW.name, NEW.starts_on, NEW.ends_on, NEW.status, NEW.late_days, NEW.closed_on, NEW.published_on))
       EXECUTE FUNCTION survey_campaign_revised()""",
)

_TRIGGERS = ("responses_received", "responses_changed", "responses_deleted", "campaign_units_added",
             "campaign_units_changed", "campaign_units_removed", "units_changed", "campaigns_changed")
_TABLES = {"responses_received": "responses", "responses_changed": "responses", "responses_deleted": "responses",
           "campaign_units_added": "campaign_units", "campaign_units_changed": "campaign_units",
           "campaign_units_removed": "campaign_units", "units_changed": "units", "campaigns_changed": "campaigns"}
_FUNCTIONS = ("survey_responses_received", "survey_campaign_changed", "survey_unit_changed",
              "survey_campaign_revised")


def trigger_statements(dialect: str) -> tuple[str, ...]:
    """The DDL creating the triggers on ``dialect`` (``sqlite`` or ``postgresql``)."""
    if dialect == "sqlite":
        return _SQLITE
    if dialect == "postgresql":
        return _POSTGRESQL
    raise ValueError(f"dialect: no revision triggers for {dialect!r}; use SQLite or PostgreSQL")


def drop_statements(dialect: str) -> tuple[str, ...]:
    """The DDL removing the triggers (and on PostgreSQL their functions)."""
    if dialect == "sqlite":
        return tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS)
    return (*(f"DROP TRIGGER IF EXISTS {name} ON {_TABLES[name]}" for name in _TRIGGERS),
            *(f"DROP FUNCTION IF EXISTS {name}()" for name in _FUNCTIONS))


def install(metadata: sa.MetaData) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates the tables (the tests' databases)."""
    schema.install_triggers(metadata, trigger_statements, drop_statements, "responses")


class CampaignState(NamedTuple):
    """What a worker compares with its cache: revision, responses received, and the largest response id."""

    revision: int
    received: int
    last_id: int


_STATE = sa.text(
    "SELECT c.revision, c.responses_received, (SELECT max(r.id) FROM responses r WHERE r.campaign_id = c.id) "
    "FROM campaigns c WHERE c.id = :campaign_id")


def campaign_state(connection: sa.Connection, campaign_id: int) -> CampaignState:
    """The campaign's state in one statement, hence one snapshot of the database (an unknown campaign: zeros)."""
    row = connection.execute(_STATE, {"campaign_id": campaign_id}).first()
    if row is None:
        return CampaignState(0, 0, 0)
    return CampaignState(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def bump(connection: sa.Connection, campaign_id: int) -> None:
    """Raise the campaign's revision for a change the database does not see (census margins kept in a file)."""
    connection.execute(sa.text("UPDATE campaigns SET revision = revision + 1 WHERE id = :campaign_id"),
                       {"campaign_id": campaign_id})
