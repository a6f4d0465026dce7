"""The load generator's own HTTP client and form cache, against small servers in this process on 127.0.0.1.

``tests/robustness/test_load.py`` drives the real application under gunicorn; these tests pin what the
generator must keep doing while it is made cheaper: read replies however they are framed, gunzip them, keep the
session cookie, post each page's own token and submission id, and parse a form only when its page is new.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import re
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, parse_qsl

import pytest

from bench import traffic
from bench.load import drive, is_acknowledged
from bench.traffic import Client, Reply, Tally, _answer, fill, parse_form, run

Handler = Callable[[bytes, bytes, int], Awaitable[tuple[bytes, bool]]]


@pytest.fixture(autouse=True)
def no_known_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the generator's form cache empty, as a new process does."""
    monkeypatch.setattr(traffic._Shape, "_known", [])
    monkeypatch.setattr(traffic._Answers, "_cache", {})


async def _serve(handler: Handler) -> tuple[asyncio.Server, str]:
    """An HTTP/1.1 server on a free port of 127.0.0.1: ``handler(head, body, connection number)`` returns the
    raw reply and whether to close the connection after it."""
    connections = 0

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        number = connections
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                body = await reader.readexactly(int(length[1])) if length else b""
                reply, close = await handler(head, body, number)
                writer.write(reply)
                await writer.drain()
                if close:
                    return
        finally:
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def _reply(status: str, body: bytes = b"", headers: tuple[str, ...] = ()) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_replies_are_read_however_they_are_framed() -> None:
    page = "<p>Xin chào</p>".encode() * 200
    chunked = b"4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\n\r\n"
    replies = {
        b"/gzip": (_reply("200 OK", gzip.compress(page), ("Content-Encoding: gzip",
                                                          "Set-Cookie: session=abc.def; HttpOnly; Path=/")), False),
        b"/chunked": (_reply("200 OK", chunked, ("Transfer-Encoding: chunked",)), False),
        b"/empty": (_reply("204 No Content", headers=("Content-Length: 0",)), False),
        b"/redirect": (_reply("303 SEE OTHER", b"see", ("Location: /s/x/thanks?lang=vi",)), False),
        b"/until-close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", True),
    }
    seen: list[tuple[bytes, int]] = []

    async def handler(head: bytes, body: bytes, connection: int) -> tuple[bytes, bool]:
        path = head.split(b" ")[1]
        seen.append((head, connection))
        return replies[path]

    async def scenario() -> list[tuple[int, bytes, str]]:
        server, base_url = await _serve(handler)
        client = Client(base_url)
        try:
            results = []
            for path in ("/gzip", "/chunked", "/empty", "/redirect", "/until-close", "/gzip"):
                reply = await client.request("GET", path)
                results.append((reply.status, reply.body, reply.header("location")))
                if path == "/redirect":
                    assert is_acknowledged(reply)
                    assert reply.headers["location"] == "/s/x/thanks?lang=vi"
            return results
        finally:
            client.close()
            server.close()
            await server.wait_closed()

    results = run(scenario())

    assert results == [(200, page, ""), (200, b"Wikipedia ", ""), (204, b"", ""),
                       (303, b"see", "/s/x/thanks?lang=vi"), (200, b"all of it", ""), (200, page, "")]
    assert [connection for _, connection in seen] == [1, 1, 1, 1, 1, 2]  # kept alive until the server closed it
    assert b"Cookie: session=abc.def\r\n" not in seen[0][0]
    assert all(b"\r\nCookie: session=abc.def\r\n" in head for head, _ in seen[1:])
    assert all(b"\r\nAccept-Encoding: gzip\r\n" in head for head, _ in seen)


def test_a_kept_alive_connection_the_server_closed_is_retried_once_on_a_new_one() -> None:
    async def handler(head: bytes, body: bytes, connection: int) -> tuple[bytes, bool]:
        return _reply("200 OK", b"%d" % connection), True  # no Connection: close header, but closes

    async def scenario() -> list[bytes]:
        server, base_url = await _serve(handler)
        client = Client(base_url)
        try:
            first = await client.request("GET", "/")
            await asyncio.sleep(0.05)  # the server's close arrives while the connection is idle
            second = await client.request("POST", "/", [("a", "1")])
            return [first.body, second.body]
        finally:
            client.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(scenario()) == [b"1", b"2"]


def test_a_connection_refused_is_an_oserror() -> None:
    async def scenario() -> None:
        server, base_url = await _serve(lambda *_: asyncio.sleep(0, (b"", True)))
        server.close()
        await server.wait_closed()
        client = Client(base_url)
        with pytest.raises(OSError):
            await client.request("GET", "/")

    asyncio.run(scenario())


@pytest.mark.parametrize("url", ["http://10.0.0.1:80", "http://example.org", "http://192.168.1.5:8000"])
def test_only_loopback_is_a_target(url: str) -> None:
    with pytest.raises(ValueError, match="only 127.0.0.1"):
        Client(url)


_PAGE = """<!doctype html><html><body><h1>Khảo sát {n}</h1>
<form method="get" action="/lang"><select name="lang"><option value="vi">vi</option></select></form>
<form action="/s/TOKEN" method="post" novalidate>
<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">
<input id="submission_id" name="submission_id" type="hidden" value="{sid}">
<input type="radio" name="q_a" value="1"><input type="radio" name="q_a" value="2">
<input type="radio" name="q_a" value="3">
<input type="checkbox" name="q_b" value="x"><input type="checkbox" name="q_b" value="y">
<input type="number" name="q_age" min="18"><textarea name="q_comment"></textarea>
<select name="q_kind"><option value="">—</option><option value="residence">Cư trú</option></select>
<button type="submit">Gửi</button></form></body></html>"""


def _page(token: str, sid: str, n: int = 1) -> Reply:
    return Reply(200, None, _PAGE.format(token=token, sid=sid, n=n).encode())


def test_a_form_is_parsed_once_then_each_page_s_token_and_id_are_spliced_into_ready_answers() -> None:
    rng, tally = random.Random(3), Tally()
    first = _answer(_page("IjQ1Ig.aw.first-token_1", "a" * 32), "/s/TOKEN", rng, tally)
    later = [_answer(_page(f"IjQ1Ig.aw.token-{n}", f"{n:032x}"), "/s/TOKEN", rng, tally) for n in range(50)]

    assert tally.full_parses == 1
    form = parse_form(_PAGE.format(token="t", sid="s", n=1))
    assert form is not None
    names = sorted(name for name, _ in fill(form, random.Random(0)))
    assert first is not None and first[0] == "/s/TOKEN" and first[2] == "a" * 32
    for n, answer in enumerate(later):
        assert answer is not None
        action, body, submission_id = answer
        fields = parse_qsl(body.decode(), keep_blank_values=True)
        assert action == "/s/TOKEN" and submission_id == f"{n:032x}"
        assert sorted(name for name, _ in fields) == names  # a complete answer set, as fill() makes it
        values = dict(fields)
        assert values["csrf_token"] == f"IjQ1Ig.aw.token-{n}" and values["submission_id"] == f"{n:032x}"
        assert values["q_a"] in {"1", "2", "3"} and values["q_b"] in {"x", "y"}
        assert (values["q_age"], values["q_comment"], values["q_kind"]) == ("18", "", "residence")
    assert len({tuple(parse_qs(a[1].decode())["q_a"]) for a in later if a}) > 1  # drawn, not one fixed answer


def test_a_page_that_differs_elsewhere_or_needs_escaping_is_parsed_in_full() -> None:
    rng, tally = random.Random(4), Tally()
    _answer(_page("tok-1", "1" * 32), "/s/TOKEN", rng, tally)
    other = _answer(_page("tok-2", "2" * 32, n=2), "/s/TOKEN", rng, tally)  # another heading: another page
    escaped = _answer(_page("tok&amp;3+", "3" * 32), "/s/TOKEN", rng, tally)

    assert tally.full_parses == 3
    assert other is not None and dict(parse_qsl(other[1].decode()))["csrf_token"] == "tok-2"
    assert escaped is not None and dict(parse_qsl(escaped[1].decode()))["csrf_token"] == "tok&3+"


class _Survey:
    """A survey server in miniature: a fresh token (bound to the session cookie) and submission id per form
    fetch; a POST is acknowledged only with the token and id of that session's last page and every question."""

    def __init__(self, keep_alive: bool) -> None:
        self.keep_alive, self.issued, self.refused = keep_alive, 0, 0
        self.stored: set[str] = set()
        self.pages: dict[str, tuple[str, str]] = {}

    async def __call__(self, head: bytes, body: bytes, connection: int) -> tuple[bytes, bool]:
        cookie = re.search(rb"\r\nCookie: session=(\w+)", head)
        session = cookie[1].decode() if cookie else f"s{self.issued}"
        headers: tuple[str, ...] = () if cookie else (f"Set-Cookie: session={session}; HttpOnly; Path=/",)
        if not self.keep_alive:
            headers += ("Connection: close",)
        if head.startswith(b"GET"):
            self.issued += 1
            token, sid = f"{session}.{self.issued}.tok", f"{self.issued:032x}"
            self.pages[session] = (token, sid)
            page = _PAGE.format(token=token, sid=sid, n=1).encode()
            return _reply("200 OK", gzip.compress(page), ("Content-Encoding: gzip", *headers)), not self.keep_alive
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        expected = self.pages.get(session)
        if expected is None or (fields.get("csrf_token"), fields.get("submission_id")) != expected or \
                not {"q_a", "q_b", "q_age", "q_comment", "q_kind"} <= fields.keys():
            self.refused += 1
            return _reply("400 BAD REQUEST", b"stale", headers), not self.keep_alive
        self.stored.add(fields["submission_id"])
        return _reply("303 SEE OTHER", b"", ("Location: /s/TOKEN/thanks", *headers)), not self.keep_alive


@pytest.mark.parametrize("keep_alive", [False, True], ids=["close", "keep-alive"])
def test_respondents_post_each_page_s_own_token_and_id_and_count_only_what_was_acknowledged(
        keep_alive: bool) -> None:
    survey = _Survey(keep_alive)

    async def scenario() -> Tally:
        server, base_url = await _serve(survey)
        try:
            return await drive(base_url, "/s/TOKEN", clients=4, seconds=0.5)
        finally:
            server.close()
            await server.wait_closed()

    tally = asyncio.run(scenario())

    assert len(tally.acked) >= 20 and survey.refused == 0 and tally.rejected == 0
    assert sorted(tally.acked) == sorted(survey.stored)  # exactly the ids the server stored, each once
    assert tally.full_parses <= 4  # the shared form cache: at most the respondents' first pages
    assert tally.connection_errors == 0 and tally.statuses[303] == len(tally.acked)


def test_a_server_that_stops_answering_cannot_hold_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(traffic, "GRACE_SECONDS", 0.3)
    release = asyncio.Event()

    async def handler(head: bytes, body: bytes, connection: int) -> tuple[bytes, bool]:
        await release.wait()  # never answers while the respondents wait
        return b"", True

    async def scenario() -> Tally:
        server, base_url = await _serve(handler)
        try:
            return await drive(base_url, "/s/TOKEN", clients=2, seconds=0.2)
        finally:
            release.set()
            server.close()
            await server.wait_closed()

    started = time.monotonic()
    tally = asyncio.run(scenario())

    assert time.monotonic() - started < 5
    assert tally.acked == [] and tally.connection_errors == 2
