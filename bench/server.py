"""The server the benchmarks and the load, crash and page-weight tests run: gunicorn on 127.0.0.1.

``gunicorn --preload 'bench.server:server_app()'`` serves the real application (CSRF, validation, storage,
compression) with the per-client submission limit switched off — every simulated respondent comes from
127.0.0.1 — plus two baseline routes. :class:`Server` runs it in its own process group, so a crash test can
SIGKILL the master and every worker at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

#: gunicorn touches a file in this folder after every request (its heartbeat): memory, not disk, where there is one.
_WORKER_TMP = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
PING_PATH = "/bench/ping"
BARE_PATH = "/bench/bare"
#: The worker class production runs (README, "Production"): gunicorn's sync worker that does not linger after replies.
WORKER_CLASS = "survey_app.platform.worker.SyncWorker"
#: What the bare-insert baseline stores: 31 answers, the size of a long questionnaire.
BARE_ANSWERS = {f"item_{n}": n % 5 + 1 for n in range(31)}


def server_app() -> Flask:
    """The application as gunicorn serves it in this benchmark: rate limit off, plus two baselines.

    ``/bench/ping`` answers "ok" (the cheapest request the app can serve); ``/bench/bare`` inserts a 31-answer
    response with no form, CSRF or validation (the cheapest submission the app can store). Both pass through the
    same hooks as the survey pages (security headers, compression, session), so the ratios compare like with like.
    """
    from survey_app import create_app
    from survey_app.platform.extensions import csrf

    app = create_app({"RATELIMIT_ENABLED": False})
    app.add_url_rule(PING_PATH, "bench_ping", lambda: "ok")
    app.add_url_rule(BARE_PATH, "bench_bare", csrf.exempt(_bare_insert), methods=["POST"])
    return app


def _bare_insert() -> tuple[str, int]:
    """One plain insert and commit, on the connection the survey's own inserts use: the cheapest way this stack
    can store a response.

    The unit and campaign ids are read once per worker, so the figure is the framework plus the database, the
    ceiling the survey submission is compared with.
    """
    import uuid

    from flask import current_app
    from sqlalchemy import insert

    from survey_app.models import CampaignUnit, Response
    from survey_app.platform.extensions import db
    from survey_app.survey.submission import storage_connection

    ids = current_app.extensions.get("bench_ids")
    if ids is None:
        link = db.session.scalars(db.select(CampaignUnit).limit(1)).one()
        ids = current_app.extensions["bench_ids"] = (link.campaign_id, link.unit_id)
    with storage_connection() as connection:
        connection.execute(insert(Response.__table__), {
            "campaign_id": ids[0], "unit_id": ids[1], "questionnaire_id": "bare", "questionnaire_version": 1,
            "channel": "qr", "locale": "vi", "submitted_on": date.today(), "answers": BARE_ANSWERS,
            "submission_id": uuid.uuid4().hex, "comment_hidden": False})
        connection.commit()
    return "stored", 201


#: The benchmark unit's kiosk link token (its QR token, which ``prepare`` returns, is random).
KIOSK_TOKEN = "bench-kiosk-link"


def prepare(database_url: str, questionnaire_id: str = "one_stop") -> str:
    """Migrate the database and open one campaign with one unit; return the unit's QR link token."""
    from survey_app import create_app
    from survey_app.database import prepare_database
    from survey_app.models import Campaign, CampaignUnit, Unit
    from survey_app.platform.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        prepare_database()
        today = date.today()
        unit = Unit(code="BENCH", name="Bộ phận Một cửa (benchmark)", sector="one_stop", level="commune",
                    kiosk_token=KIOSK_TOKEN)
        campaign = Campaign(name="Benchmark", starts_on=today - timedelta(days=1),
                            ends_on=today + timedelta(days=1), status="open")
        link = CampaignUnit(campaign=campaign, unit=unit, questionnaire_id=questionnaire_id, service_volume=10**6)
        db.session.add_all([unit, campaign, link])
        db.session.commit()
        token = unit.qr_token
        db.session.remove()
        db.engine.dispose()
    return token


class Server:
    """gunicorn in its own process group, so a crash test can SIGKILL the master and every worker at once."""

    def __init__(self, database_url: str, port: int, workers: int, worker_class: str = WORKER_CLASS,
                 threads: int = 1, log: Path | None = None) -> None:
        self.database_url, self.port = database_url, port
        self.command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                        "--worker-class", worker_class, "--threads", str(threads), "--log-level", "warning",
                        "--graceful-timeout", "5", "--worker-tmp-dir", _WORKER_TMP, "--preload",
                        "bench.server:server_app()"]
        self.log = log or Path(tempfile.mkstemp(prefix="survey-gunicorn-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "bench-secret-key"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, start_new_session=True,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.base_url + PING_PATH, timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log.read_text()}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers."""
        return tree_cpu_seconds(self.process.pid) if self.process is not None else 0.0

    def kill(self) -> None:
        """SIGKILL master and workers: the crash a power cut or the OOM killer would cause."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by ``root_pid`` and its direct children, from Linux's /proc."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(root_pid) or int(fields[1]) == root_pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick
