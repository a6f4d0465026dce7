"""Short load runs against gunicorn: nothing acknowledged is lost, nothing fails, retries count once.

The full figures (32 clients × 30 s) come from ``bench/load.py``; these runs are kept short (8 clients × 3 s)
so the suite stays fast, and assert the properties rather than a speed.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.load import drive, is_acknowledged, stored_ids
from bench.traffic import Client, fill, parse_form
from tests.robustness.conftest import Served

pytestmark = pytest.mark.slow


def test_eight_clients_for_three_seconds_lose_nothing_and_see_no_error(served: Served) -> None:
    tally = asyncio.run(drive(served.server.base_url, served.qr_path, clients=8, seconds=3))

    assert len(tally.acked) >= 8, tally.statuses
    assert tally.server_errors == 0
    assert tally.connection_errors == 0
    assert tally.rejected == 0, tally.statuses
    assert len(set(tally.acked)) == len(tally.acked)
    assert stored_ids(served.database_url) == set(tally.acked)  # each acknowledged once, none stored silently


async def _send_same_form_five_times(served: Served) -> list[bool]:
    """One respondent's form, sent five times at once (double tap, offline resend), over five connections."""
    first = Client(served.server.base_url)
    page = await first.request("GET", served.qr_path)
    form = parse_form(page.text)
    assert form is not None
    import random

    fields = fill(form, random.Random(7))
    clients = [first] + [Client(served.server.base_url) for _ in range(4)]
    for client in clients[1:]:
        client.cookies = dict(first.cookies)  # the same browser session: the CSRF token is bound to it
    replies = await asyncio.gather(*(client.request("POST", form.action, fields) for client in clients))
    for client in clients:
        client.close()
    return [is_acknowledged(reply) for reply in replies]


def test_a_form_sent_five_times_at_once_is_stored_once_and_acknowledged_each_time(served: Served) -> None:
    acknowledged = asyncio.run(_send_same_form_five_times(served))

    assert acknowledged == [True] * 5
    assert len(stored_ids(served.database_url)) == 1
