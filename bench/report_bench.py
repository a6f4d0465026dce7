"""Report pages while answers stream in, at 10 000 and at 1 M responses, on SQLite and PostgreSQL (prints figures).

Run: ``PYTHONPATH=. python3 bench/report_bench.py [--rows 1000000] [--small 10000] [--units 300] [--repeat 20]
[--backends sqlite,postgresql] [--profile 40]`` or ``--quick`` (100 000 and 10 000 rows, 5 repeats). For each
backend and size it builds its own open campaign (units, volumes and answers drawn by
:func:`analysis.simulation.simulate_survey` from the shipped questionnaires, bulk-inserted: ``COPY`` on
PostgreSQL, one ``executemany`` on SQLite), then prints,
in process through the Flask test client signed in as the province administrator:

* the province report, a unit report and the progress page: cold (first view after start), warm (median of
  ``--repeat`` views), and right after one new response (each of ``--repeat`` rounds stores one response through
  the kiosk's own insert, then opens the page; median), the two sizes in alternating rounds so that the drift of
  a shared machine's speed falls on both alike;
* a submission's latency (submissions 50 ms apart, in 10 alternating blocks of 10 alone and 10 beside a second
  process) beside a process that rebuilds the province report again and again (a second worker on the same
  database whose cache is emptied before each view), one that views it again and again with its caches
  (production: each view catches up with the new answers), and, as a control, one that only keeps a core and
  the memory bus busy;
* ``read_database`` of the whole campaign: seconds and the peak memory of a fresh process doing only that, from
  the packed blocks (the campaign is packed once after it is built, as ``flask responses pack`` run from cron
  would have) and, for comparison, from the answers JSON alone.

The streaming exports (time to first byte, worker memory) are measured by the exports' own benchmark.
Bars (issue 15): right after a new response each page within 1.5× of the same page at 10 000 responses and
under 300 ms; warm under 100 ms; a submission no more than 10 % slower while reports rebuild; read_database of
1 M responses under 3 s. Runs with the code on ``PYTHONPATH`` — point it at another checkout to measure before/after.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # for tests.postgres; the code measured is the one on PYTHONPATH
PAGES = ("province", "unit", "progress")


def build(url: str, rows: int, units: int, instance: Path) -> dict[str, Any]:
    """A database at ``url`` with one open campaign of ``rows`` responses over ``units`` units; an admin."""
    import sqlalchemy as sa

    from analysis.simulation import answers_json, simulate_survey
    from survey_app import create_app
    from survey_app.models import Campaign, CampaignUnit, Unit, User
    from survey_app.platform.extensions import db
    from survey_app.questionnaire_registry import registry

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    app.instance_path = str(instance)
    with app.app_context():
        db.create_all()
        forms = {form.sector: form for form in registry().values() if form.id in ("one_stop", "health", "education")}
        survey = simulate_survey(rows, units, np.random.default_rng(15), questionnaires=forms)
        today = date.today()
        campaign = Campaign(name="Bench", starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31),
                            status="open")
        db.session.add(campaign)
        for unit in survey.units.itertuples():
            found = Unit(id=int(unit.id), code=unit.code, name=unit.name, sector=unit.sector, level=unit.level,
                         area=unit.area)
            campaign.units.append(CampaignUnit(unit=found, questionnaire_id=unit.questionnaire_id,
                                               service_volume=int(unit.service_volume), quota=4000, area=unit.area))
        admin = User(email="admin@bench.example", role="province_admin", name="admin")
        admin.set_password("bench-password")
        db.session.add(admin)
        db.session.commit()
        frame = survey.responses
        item_ids = list(dict.fromkeys(i.id for q in forms.values() for i in q.items))
        days = (frame["submitted_on"].dt.strftime(f"{today.year}-%m-%d")).tolist()
        table = list(zip(frame["response_id"].tolist(), [campaign.id] * rows, frame["unit_id"].tolist(),
                         frame["questionnaire_id"].tolist(), frame["questionnaire_version"].tolist(),
                         frame["channel"].tolist(), frame["locale"].tolist(), days,
                         answers_json(frame, item_ids), [f"b{i}" for i in frame["response_id"]],
                         [False] * rows, strict=True))
        columns = ("id, campaign_id, unit_id, questionnaire_id, questionnaire_version, channel, locale, submitted_on,"
                   " answers, submission_id, comment_hidden")
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                raw = connection.connection.driver_connection
                with raw.cursor().copy(f"COPY responses ({columns}) FROM STDIN") as copy:
                    for row in table:
                        copy.write_row(row)
                connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                                           "(SELECT max(id) FROM responses))")
                connection.exec_driver_sql("ANALYZE responses")
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"INSERT INTO responses ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", table)
        with engine.connect() as connection:
            count = connection.scalar(sa.text("SELECT count(*) FROM responses"))
        return {"campaign_id": campaign.id, "unit_id": int(survey.units["id"].iloc[len(survey.units) // 2]),
                "admin_id": admin.id, "rows": int(count)}


def application(url: str, instance: Path) -> Any:
    from survey_app import create_app

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    app.instance_path = str(instance)
    return app


def client_of(app: Any, admin_id: int) -> Any:
    from survey_app.auth import staff_session

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{admin_id}.0"
        session[staff_session.SEEN_KEY] = int(time.time())
        session["_fresh"] = True
    return client


def submit(app: Any, campaign_id: int, unit_id: int) -> float:
    """Store one response through the kiosk's insert; seconds it took."""
    from survey_app.models import CampaignUnit
    from survey_app.platform.extensions import db
    from survey_app.survey.submission import Outcome, Submission, store

    with app.app_context():
        link = db.session.query(CampaignUnit).filter_by(campaign_id=campaign_id, unit_id=unit_id).one()
        submission = Submission(link, link.questionnaire_id, 1, "kiosk", "vi",
                                {"overall": 4, "gender": "female", "comment": "Tốt"}, uuid.uuid4().hex)
        start = time.perf_counter()
        assert store(submission) is Outcome.STORED
        return time.perf_counter() - start


def timed_get(client: Any, path: str) -> tuple[float, int]:
    """CPU seconds the request cost (the test client runs it in this process; on a shared machine wall time
    mostly measures the neighbours) and the page's size."""
    start = time.process_time()
    response = client.get(path)
    elapsed = time.process_time() - start
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return elapsed, len(response.get_data())


def pages(built: dict[str, Any]) -> dict[str, str]:
    campaign, unit = built["campaign_id"], built["unit_id"]
    return {"province": f"/reports/{campaign}/", "unit": f"/reports/{campaign}/units/{unit}",
            "progress": f"/admin/campaigns/{campaign}/progress"}


def measure_pages(sites: dict[int, tuple[str, Path, dict[str, Any]]], repeat: int,
                  profile: int = 0) -> dict[int, dict[str, dict[str, float]]]:
    """Each page at every size (``{rows: (url, instance, built)}``), the sizes in alternating rounds: the ratio
    of the large to the small page is the bar, and this machine's speed drifts by tens of per cent over minutes,
    so measuring one size minutes after the other measured the drift as much as the code."""
    apps = {rows: application(url, instance) for rows, (url, instance, _built) in sites.items()}
    clients = {rows: client_of(apps[rows], built["admin_id"]) for rows, (_url, _instance, built) in sites.items()}
    out: dict[int, dict[str, dict[str, float]]] = {rows: {} for rows in sites}
    for name in PAGES:
        path = {rows: pages(built)[name] for rows, (_url, _instance, built) in sites.items()}
        cold = {rows: timed_get(clients[rows], path[rows]) for rows in sites}
        warm: dict[int, list[float]] = {rows: [] for rows in sites}
        after: dict[int, list[float]] = {rows: [] for rows in sites}
        for _ in range(repeat):
            for rows in sites:
                warm[rows].append(timed_get(clients[rows], path[rows])[0])
        for _ in range(repeat):
            for rows, (_url, _instance, built) in sites.items():
                submit(apps[rows], built["campaign_id"], built["unit_id"])
                after[rows].append(timed_get(clients[rows], path[rows])[0])
        for rows in sites:
            out[rows][name] = {"cold": cold[rows][0], "warm": statistics.median(warm[rows]),
                               "after_new": statistics.median(after[rows]), "kb": cold[rows][1] / 1000}
        if profile:
            rows = max(sites)
            built = sites[rows][2]
            submit(apps[rows], built["campaign_id"], built["unit_id"])
            print_profile(f"{name} at {built['rows']} responses, right after one new response", clients[rows],
                          path[rows], profile)
    return out


def print_profile(title: str, client: Any, path: str, lines: int) -> None:
    """cProfile of one view: the ``lines`` costliest functions by cumulative time (of this code and of
    analysis), then by own time (of everything)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(r"survey_app|analysis|templates", lines)
    stats.sort_stats("tottime").print_stats(lines)
    print(f"\n-- profile: {title} --\n{text.getvalue()}", flush=True)


def _turns(control: tuple[Any, Any, Any]) -> Iterator[None]:
    """Each time a second worker should do one more piece of work; while the benchmark measures alone (``go``
    cleared), it waits and says so (``idle`` set), until ``stop``."""
    stop, go, idle = control
    while not stop.is_set():
        if not go.is_set():
            idle.set()
            go.wait(0.05)
            continue
        idle.clear()
        yield


def _rebuild_forever(url: str, instance: str, built: dict[str, Any], control: tuple[Any, Any, Any]) -> None:
    """A second worker: empty its caches, rebuild the province report, again."""
    app = application(url, Path(instance))
    client = client_of(app, built["admin_id"])
    path = pages(built)["province"]
    for _ in _turns(control):
        for kept in ("reports_cache", "reports_mirrors", "reports_drivers", "reports_rows"):
            app.extensions.pop(kept, None)
        client.get(path)


def _view_forever(url: str, instance: str, built: dict[str, Any], control: tuple[Any, Any, Any]) -> None:
    """A second worker as in production: it keeps its caches and views the province report again and again,
    each view catching up with the responses stored meanwhile (the mirror's tail read and the tables' update)."""
    app = application(url, Path(instance))
    client = client_of(app, built["admin_id"])
    path = pages(built)["province"]
    for _ in _turns(control):
        client.get(path)


def _burn_forever(control: tuple[Any, Any, Any]) -> None:
    """The control: a second process that keeps its core and the memory bus busy (sums over 64 MB of floats)
    and touches neither the database nor the reports."""
    import numpy as np

    values = np.ones(8_000_000)
    for _ in _turns(control):
        values.sum()


def _paced(app: Any, built: dict[str, Any], count: int) -> list[float]:
    """Seconds of ``count`` submissions, 50 ms apart (the same pace alone and beside another process: a
    submission right after a pause finds colder caches than one of a tight loop)."""
    times = []
    for _ in range(count):
        times.append(submit(app, built["campaign_id"], built["unit_id"]))
        time.sleep(0.05)
    return times


#: Blocks of submissions alone and beside the second worker, alternated, and submissions per block.
BLOCKS, PER_BLOCK = 10, 10


def _alternating(app: Any, built: dict[str, Any], target: Any, args: tuple[Any, ...]) -> tuple[float, float]:
    """Median latency alone and beside a second worker running ``target``, in alternating blocks: alone while
    the worker waits (after its current piece of work), then beside it. This machine's speed drifts by tens of
    per cent over minutes, more than the bar; blocks taken one after the other would compare the drift."""
    control = tuple(multiprocessing.Event() for _ in range(3))
    stop, go, idle = control
    worker = multiprocessing.Process(target=target, args=(*args, control))
    go.set()
    worker.start()
    time.sleep(2.0)
    alone: list[float] = []
    beside: list[float] = []
    for _ in range(BLOCKS):
        go.clear()
        idle.wait(300)
        alone += _paced(app, built, PER_BLOCK)
        go.set()
        while idle.is_set():
            time.sleep(0.01)
        beside += _paced(app, built, PER_BLOCK)
    stop.set()
    go.set()
    worker.join(120)
    return statistics.median(alone), statistics.median(beside)


def submission_latency(url: str, instance: Path, built: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """A submission's latency alone and beside a second process (alternating blocks, see :func:`_alternating`)
    that rebuilds the province report whole again and again, that views it again and again with its caches
    (each view after new responses), or that only keeps a core busy (the control: what this machine does to any
    neighbour)."""
    app = application(url, instance)
    for _ in range(3):  # the first submissions open the connection and compile the insert
        submit(app, built["campaign_id"], built["unit_id"])
    return {"rebuild": _alternating(app, built, _rebuild_forever, (url, str(instance), built)),
            "view": _alternating(app, built, _view_forever, (url, str(instance), built)),
            "burn": _alternating(app, built, _burn_forever, ())}


READ_CHILD = """
import json, sys, time
import sqlalchemy as sa
from analysis import read_database
from survey_app.questionnaire_registry import registry
from survey_app import create_app
app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    forms = registry()
    engine = sa.create_engine(sys.argv[1])
    with engine.connect() as connection:
        transaction = connection.begin()
        if sys.argv[3] == "json":  # as if never packed: the blocks gone for this transaction only
            connection.execute(sa.text("DELETE FROM response_blocks"))
        start = time.perf_counter(); cpu = time.process_time()
        frame = read_database(connection, int(sys.argv[2]), forms)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        transaction.rollback()
peak = max(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"rows": len(frame), "wall": wall, "cpu": cpu, "peak_mb": peak / 1024}))
"""


def read_seconds(url: str, campaign_id: int, source: str) -> dict[str, float]:
    """``read_database`` of the campaign in a fresh process, from its packed blocks or (``json``) from the JSON."""
    done = subprocess.run([sys.executable, "-c", READ_CHILD, url, str(campaign_id), source], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def packed(url: str, campaign_id: int) -> float:
    """Pack the campaign as ``flask responses pack`` does from cron; returns the seconds it took."""
    from analysis.blocks import pack

    start = time.perf_counter()
    pack(url, campaign_id)
    return time.perf_counter() - start


def with_database(backend: str, work: Path, name: str, server: Any) -> str:
    if backend == "sqlite":
        return f"sqlite:///{work / name}.sqlite"
    return server.create_database(template=None)


def run(args: argparse.Namespace) -> None:
    from tests.postgres.server import PostgresServer, binaries

    server = None
    for backend in args.backends.split(","):
        if backend == "postgresql" and server is None:
            server = PostgresServer.start(binaries())
        with tempfile.TemporaryDirectory() as directory:
            work = Path(directory)
            sites: dict[int, tuple[str, Path, dict[str, Any]]] = {}
            packing = {}
            for rows in (args.small, args.rows):
                url = with_database(backend, work, f"r{rows}", server)
                instance = work / f"instance{rows}"
                instance.mkdir()
                start = time.perf_counter()
                built = build(url, rows, args.units, instance)
                print(f"[{backend}] {built['rows']} responses over {args.units} units built in "
                      f"{time.perf_counter() - start:.0f} s", flush=True)
                packing[rows] = packed(url, built["campaign_id"])
                print(f"[{backend}] packed in {packing[rows]:.0f} s", flush=True)
                sites[rows] = (url, instance, built)
            measured = measure_pages(sites, args.repeat, args.profile)
            url, instance, built = sites[args.rows]
            results: dict[int, dict[str, Any]] = {rows: {"pages": measured[rows]} for rows in sites}
            results[args.rows].update({"submit": submission_latency(url, instance, built),
                                       "read": read_seconds(url, built["campaign_id"], "blocks"),
                                       "read_json": read_seconds(url, built["campaign_id"], "json"),
                                       "pack": packing[args.rows]})
            show(backend, args, results)
    if server is not None:
        server.stop()


def show(backend: str, args: argparse.Namespace, results: dict[int, dict[str, Any]]) -> None:
    small, large = results[args.small], results[args.rows]
    print(f"\n== {backend}: page CPU ms at {args.small} | {args.rows} responses (median of {args.repeat}) ==")
    print(f"{'page':10} {'cold':>15} {'warm':>13} {'after new':>15} {'ratio':>6} {'KB':>11}")
    for name in PAGES:
        a, b = small["pages"][name], large["pages"][name]
        ratio = b["after_new"] / a["after_new"]
        verdict = ("ok" if ratio <= 1.5 and b["after_new"] < 0.3 else "NOT MET") + (
            ", warm ok" if b["warm"] < 0.1 else ", warm NOT MET")
        print(f"{name:10} {a['cold'] * 1000:6.0f} | {b['cold'] * 1000:6.0f} {a['warm'] * 1000:5.0f} | "
              f"{b['warm'] * 1000:5.0f} {a['after_new'] * 1000:6.0f} | {b['after_new'] * 1000:6.0f} {ratio:6.2f} "
              f"{a['kb']:5.0f}|{b['kb']:5.0f}  {verdict}")
    latency = large["submit"]
    described = {"rebuild": "while a report rebuilds whole", "view": "while reports are viewed as answers arrive",
                 "burn": "beside a process that only keeps a core busy (the control)"}
    for key, (alone, beside) in latency.items():
        print(f"submission at {args.rows} {described[key]}: {beside * 1000:.2f} ms against {alone * 1000:.2f} ms "
              f"alone ({beside / alone - 1:+.0%}; bar +10 %; {BLOCKS} alternating blocks of {PER_BLOCK})")
    for key, how in (("read", "packed blocks (after flask responses pack)"), ("read_json", "the answers JSON")):
        read = large[key]
        print(f"read_database {read['rows']} responses from {how}: {read['wall']:.2f} s wall, {read['cpu']:.2f} s "
              f"CPU, peak {read['peak_mb']:.0f} MB (bar < 3 s at 1 M)", flush=True)
    print(f"packing {args.rows} responses the first time: {large['pack']:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="100 000 and 10 000 responses, 5 repeats")
    parser.add_argument("--profile", type=int, default=0, metavar="LINES",
                        help="also print a cProfile (LINES functions) of each page right after one new response, "
                             "at the larger size")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.repeat = 100_000, 5
    run(args)


if __name__ == "__main__":
    main()
