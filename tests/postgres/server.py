"""A throw-away PostgreSQL server for the test session: Debian's binaries, a temporary data directory, 127.0.0.1.

One server is started per pytest session (initdb + pg_ctl take about two seconds); every test then gets a fresh
database cloned from a template that already holds the schema (``CREATE DATABASE … TEMPLATE`` copies files, so
it takes milliseconds). PostgreSQL refuses to run as root, so when the suite runs as root (CI) the server runs
as Debian's ``postgres`` user through ``runuser``. Durability settings are relaxed (``fsync=off``): the tests
check what the application does, not what the disk does, and a killed *application* server loses nothing
either way.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "survey"
TEMPLATE = "survey_template"


def binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb`` and ``pg_ctl``, if any."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        on_path = shutil.which("initdb")
        return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None
    return Path(max(found, key=lambda p: int(Path(p).parts[-3].split(".")[0]))).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A running server; ``create_database`` / ``drop_database`` give each test its own database."""

    def __init__(self, bin_dir: Path, data_dir: Path, port: int, run_as: str | None) -> None:
        self.bin_dir = bin_dir
        self.data_dir = data_dir
        self.port = port
        self.run_as = run_as
        self._names = itertools.count(1)

    @classmethod
    def start(cls, bin_dir: Path, durable: bool = False) -> PostgresServer:
        """initdb a temporary cluster and start it on a free port of 127.0.0.1 (no Unix socket outside it).

        ``durable`` keeps PostgreSQL's production defaults (fsync, synchronous commit): benchmarks use it.
        """
        root = Path(tempfile.mkdtemp(prefix="survey-pg-"))
        run_as = None
        if os.geteuid() == 0:
            run_as = "postgres"
            account = pwd.getpwnam(run_as)
            os.chown(root, account.pw_uid, account.pw_gid)
        server = cls(bin_dir, root / "data", free_port(), run_as)
        server._run("initdb", "-D", str(server.data_dir), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                    "--no-locale", "--no-sync")
        options = f"-h 127.0.0.1 -p {server.port} -k {root} -c max_connections=200"
        if not durable:
            options += " -F -c synchronous_commit=off -c full_page_writes=off"
        server._run("pg_ctl", "-D", str(server.data_dir), "-l", str(root / "server.log"), "-w", "-t", "60",
                    "-o", options, "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.data_dir.parent)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server (psycopg 3 driver, as in production)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]  (statements built from our own names)

    def create_database(self, template: str | None = TEMPLATE) -> str:
        """A new, uniquely named database (a copy of ``template`` when given); returns its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        # FILE_COPY: for a small template, copying files beats writing the whole template to the WAL.
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop at once and delete the data directory: nothing of the session survives it."""
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def prepare_template(server: PostgresServer) -> None:
    """Create the template database with the models' schema (the same ``create_all`` the SQLite tests use)."""
    from survey_app import create_app
    from survey_app.platform.extensions import db

    server.execute(f'CREATE DATABASE "{TEMPLATE}"')
    app = create_app({"TESTING": True, "SECRET_KEY": "template", "SQLALCHEMY_DATABASE_URI": server.url(TEMPLATE)})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template
