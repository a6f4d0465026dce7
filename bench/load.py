"""Submissions per second, latency and lost answers under load, against gunicorn on 127.0.0.1.

    python bench/load.py                        # 32 clients × 30 s, SQLite (WAL) in a temporary folder
    python bench/load.py --database postgresql  # the same on a throw-away PostgreSQL server (fsync on)

N concurrent respondents each fetch the QR survey form, fill it in and submit it, again and again for T
seconds. The script prints accepted submissions per second, p50/p95/p99 latency, the 5xx count and the *lost*
count: acknowledged submissions that are not in the database (the bar is 0). It then measures the same server
on a trivial endpoint and prints the ratio, so the figure can be compared across machines.

The server is ``gunicorn 'bench.server:server_app()'``: the real application (CSRF, validation, storage) with the
per-client submission limit switched off, because every simulated respondent comes from 127.0.0.1 — in
production behind a reverse proxy the limit stays on and ProxyFix makes it key on the real client.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server import BARE_PATH, PING_PATH, WORKER_CLASS, Server, prepare, tree_cpu_seconds  # noqa: E402
from bench.traffic import Reply, Tally, pinger, respondent, run  # noqa: E402


def is_acknowledged(reply: Reply) -> bool:
    """Whether the respondent was told the answers were received: the 303 redirect to the thank-you page."""
    return reply.status == 303 and reply.header("location").split("?")[0].endswith("/thanks")


async def drive(base_url: str, path: str, clients: int, seconds: float, tally: Tally | None = None) -> Tally:
    """``clients`` respondents submitting for ``seconds``; pass ``tally`` to watch it fill from another thread."""
    tally, deadline = tally or Tally(), time.monotonic() + seconds
    await asyncio.gather(*(respondent(base_url, path, deadline, tally, seed, is_acknowledged)
                           for seed in range(clients)))
    return tally


async def baseline(base_url: str, clients: int, seconds: float, path: str = PING_PATH,
                   method: str = "GET") -> Tally:
    tally, deadline = Tally(), time.monotonic() + seconds
    await asyncio.gather(*(pinger(base_url, path, deadline, tally, method) for _ in range(clients)))
    return tally


def stored_ids(database_url: str) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT submission_id FROM responses")).scalars())
    finally:
        engine.dispose()


def integrity_check(database_url: str) -> str:
    """``ok``, or what SQLite's ``PRAGMA integrity_check`` / PostgreSQL's amcheck found."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                return "\n".join(connection.execute(text("PRAGMA integrity_check")).scalars())
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            connection.execute(text(
                "SELECT bt_index_check(i.indexrelid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"))
            return "ok"
    finally:
        engine.dispose()


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


def _spread(values: list[float]) -> str:
    return "  ".join(f"p{q} {percentile(values, q / 100):.1f}" for q in (50, 95, 99))


def report(tally: Tally, seconds: float, database_url: str) -> int:
    """Print the figures; return the number of lost submissions (acknowledged but not stored)."""
    stored = stored_ids(database_url)
    lost = len(set(tally.acked) - stored)
    print(f"accepted submissions/s   {len(tally.acked) / seconds:8.1f}   ({len(tally.acked)} acknowledged in "
          f"{seconds:g} s)")
    print(f"submit latency (ms)      {_spread([1000 * v for v in tally.submit_latency])}")
    print(f"form fetch latency (ms)  {_spread([1000 * v for v in tally.form_latency])}")
    print(f"5xx responses            {tally.server_errors}")
    print(f"not acknowledged         {tally.rejected}   (statuses: {dict(sorted(tally.statuses.items()))})")
    print(f"connection errors        {tally.connection_errors}")
    print(f"forms parsed in full     {tally.full_parses}   (the others matched a form already parsed: "
          f"fresh token and id spliced into ready answers)")
    print(f"lost                     {lost}   ({len(tally.acked)} acknowledged, {len(stored)} rows stored)")
    return lost


def compare(base_url: str, clients: int, seconds: float, accepted: float,
            server_cpu: Callable[[], float]) -> None:
    """The same server on its cheapest request and its cheapest insert, the survey's share of each, and the server
    CPU each costs (the figure a busy machine changes least)."""
    for label, path, method, ok in (("trivial GET " + PING_PATH, PING_PATH, "GET", 200),
                                    ("bare insert POST " + BARE_PATH, BARE_PATH, "POST", 201)):
        before = server_cpu()
        tally = run(baseline(base_url, clients, seconds, path, method))
        done = tally.statuses.get(ok, 0)
        rate, cpu_ms = done / seconds, 1000 * (server_cpu() - before) / max(done, 1)
        print(f"{label:<32} {rate:8.1f}/s   accepted submissions/s ÷ this = {accepted / rate:.3f}"
              f"   server CPU {cpu_ms:.2f} ms each   (5xx {tally.server_errors})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before measuring")
    parser.add_argument("--baseline-seconds", type=float, default=10, help="0 skips the baseline runs")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default=WORKER_CLASS,
                        help="gunicorn's own: sync, gthread, gevent (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql (throw-away server) or a URL")
    parser.add_argument("--channel", choices=("qr", "kiosk"), default="qr")
    args = parser.parse_args(argv)
    from tests.postgres.server import free_port

    with ExitStack() as stack:
        database_url, database_pid = _database(args.database, stack)
        token = prepare(database_url)
        server = Server(database_url, free_port(), args.workers, args.worker_class, args.threads)
        server.start()
        stack.callback(server.stop)
        path = f"/{'s' if args.channel == 'qr' else 'k'}/{token}" + ("" if args.channel == "qr" else "/questions")
        print(f"gunicorn {args.workers} {args.worker_class} workers × {args.threads} threads, "
              f"{database_url.split(':')[0]}, {args.clients} clients × {args.seconds:g} s on {path}, "
              f"load average before {os.getloadavg()[0]:.2f}")
        # Warm-up: every worker loads its caches, and the generator parses the form once (see bench/traffic.py).
        run(drive(server.base_url, path, args.clients, args.warmup))
        def server_cpu_now() -> float:  # gunicorn, plus PostgreSQL's processes when it runs here
            return server.cpu_seconds() + (tree_cpu_seconds(database_pid) if database_pid else 0.0)

        server_cpu, client_cpu = server_cpu_now(), time.process_time()
        tally = run(drive(server.base_url, path, args.clients, args.seconds))
        server_cpu, client_cpu = server_cpu_now() - server_cpu, time.process_time() - client_cpu
        lost = report(tally, args.seconds, database_url)
        cost = _cpu_cost(server_cpu, client_cpu, len(tally.acked))
        print(f"CPU per accepted         server {cost[0]:.2f} ms, load generator {cost[1]:.2f} ms "
              f"(form fetch + submit) → {cost[2]:.0f}/s would fill {os.cpu_count()} idle cores")
        if args.baseline_seconds:
            compare(server.base_url, args.clients, args.baseline_seconds, len(tally.acked) / args.seconds,
                    server_cpu_now)
        return 1 if lost or tally.server_errors else 0


def _cpu_cost(server_cpu: float, client_cpu: float, accepted: int) -> tuple[float, float, float]:
    """Milliseconds of CPU per accepted submission (server, generator) and the rate that fills every core.

    On a machine shared with other work the rates above fall, but the CPU each submission costs does not: this is
    the figure to compare, and the last one says what the same code does on idle cores.
    """
    if not accepted:
        return float("nan"), float("nan"), 0.0
    server_ms, client_ms = 1000 * server_cpu / accepted, 1000 * client_cpu / accepted
    return server_ms, client_ms, 1000 * (os.cpu_count() or 1) / (server_ms + client_ms)


def _database(choice: str, stack: ExitStack) -> tuple[str, int | None]:
    """The database URL to load, and the PostgreSQL server's process id when this script started one."""
    if choice == "sqlite":
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="survey-bench-"))
        return f"sqlite:///{folder}/bench.sqlite", None
    if choice == "postgresql":
        from tests.postgres.server import PostgresServer, binaries

        bin_dir = binaries()
        if bin_dir is None:
            sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
        server = PostgresServer.start(bin_dir, durable=True)
        stack.callback(server.stop)
        pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        return server.create_database(template=None), pid
    return choice, None


if __name__ == "__main__":
    sys.exit(main())
