"""SIGKILL the server in the middle of a load: every acknowledged answer survives and the service comes back.

The kill hits gunicorn's master and workers at once (its process group), with eight respondents submitting, so
requests are cut at every stage: before the insert, inside the transaction, after the commit but before the
reply. Only the last kind may leave a row nobody was told about, which is harmless; an acknowledged answer that
is missing would be a lost answer.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bench.load import drive, integrity_check, stored_ids
from bench.traffic import Tally
from tests.robustness.conftest import Served

pytestmark = pytest.mark.slow


def _wait_for(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_acknowledged_submissions_survive_a_sigkill_of_the_server(served: Served) -> None:
    tally = Tally()
    load = threading.Thread(target=lambda: asyncio.run(
        drive(served.server.base_url, served.qr_path, clients=8, seconds=5, tally=tally)))
    load.start()
    try:
        _wait_for(lambda: len(tally.acked) >= 20, timeout=20)
        served.server.kill()
        time.sleep(0.5)
        served.server.start()
    finally:
        load.join(timeout=60)
    after = asyncio.run(drive(served.server.base_url, served.qr_path, clients=2, seconds=1))

    assert tally.connection_errors >= 1, "the kill was not felt: the test did not test anything"
    assert integrity_check(served.database_url) == "ok"
    stored = stored_ids(served.database_url)
    assert set(tally.acked) <= stored, f"lost: {set(tally.acked) - stored}"
    assert tally.server_errors == 0 and after.server_errors == 0
    assert after.acked and set(after.acked) <= stored  # the service is back
