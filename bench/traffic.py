"""Respondents as a load generator: fetch a survey form, fill it in like a person would, post it.

A small asyncio HTTP/1.1 client keeps one process able to drive thousands of requests a second (a thread per
client would spend the benchmark's CPU on the GIL). Forms are filled from the HTML alone — every radio group
gets an answer, numbers their minimum, selects their first option — so the generator follows whatever
questionnaire the page shows and posts exactly what a browser would, CSRF token and submission id included.
Only 127.0.0.1 is ever a target.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One respondent's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"refusing to send load to {parts.hostname}: only 127.0.0.1 is allowed")
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Reply:
        body = urlencode(fields).encode() if fields is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: gzip",
                 "Accept-Language: vi", "User-Agent: survey-bench"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if fields is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        try:
            self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            reply = await _read_reply(self._reader)
        except BaseException:
            self.close()
            raise
        for name, value in reply.headers.items():
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if reply.headers.get("connection", "").lower() == "close":
            self.close()
        return reply

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _read_reply(reader: asyncio.StreamReader) -> Reply:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()  # one Set-Cookie per reply is all Flask sends
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += await reader.readexactly(size + 2)
            body = body[:-2]
        await reader.readuntil(b"\r\n")
    else:
        body = await reader.read()
        headers["connection"] = "close"
    if headers.get("content-encoding") == "gzip":
        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    return Reply(int(status_line.split()[1]), headers, body)


@dataclass
class Form:
    """The first POST form of a page, as a browser sees it."""

    action: str = ""
    controls: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # select name → option values


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_CONTROL = re.compile(r"<(input|textarea)\b([^>]*)>", re.I)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S | re.I)
_OPTION = re.compile(r"<option\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"([\w:-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")


def _attributes(text: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(m[2] or m[3] or m[4] or "") for m in _ATTRIBUTE.finditer(text)}


def parse_form(page: str) -> Form | None:
    """The first POST form of ``page``. Regular expressions, not an HTML parser: html.parser costs ~10 ms on a
    survey page, which would make the load generator, not the server, the bottleneck."""
    for match in _FORM.finditer(page):
        attributes = _attributes(match[1])
        if attributes.get("method", "").lower() != "post":
            continue
        form, body = Form(action=attributes.get("action", "")), match[2]
        for control in _CONTROL.finditer(body):
            a = _attributes(control[2])
            if a.get("name") and "disabled" not in a:
                form.controls.append({"tag": control[1].lower(), **a})
        for select in _SELECT.finditer(body):
            name = _attributes(select[1]).get("name")
            if name:
                form.options[name] = [_attributes(o[1]).get("value", "") for o in _OPTION.finditer(select[2])]
        return form
    return None


def fill(form: Form, rng: random.Random) -> list[tuple[str, str]]:
    """Answers a person could give: one choice per radio group, one box per checkbox group, minimal numbers."""
    fields: list[tuple[str, str]] = []
    groups: dict[str, list[str]] = {}
    for control in form.controls:
        kind, name, value = control.get("type", "text").lower(), control["name"], control.get("value", "")
        if kind in ("radio", "checkbox"):
            groups.setdefault(name, []).append(value)
        elif kind in ("submit", "button", "image", "reset", "file"):
            continue
        elif kind == "number":
            fields.append((name, value or control.get("min") or "1"))
        else:
            fields.append((name, value))
    for name, values in groups.items():
        fields.append((name, rng.choice(values)))
    for name, values in form.options.items():
        fields.append((name, next((v for v in values if v), "")))
    return fields


@dataclass
class Tally:
    """What the respondents saw: acknowledged submission ids, latencies, failures."""

    acked: list[str] = field(default_factory=list)
    form_latency: list[float] = field(default_factory=list)
    submit_latency: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    rejected: int = 0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


async def respondent(base_url: str, path: str, deadline: float, tally: Tally, seed: int,
                     is_ack: Callable[[Reply], bool]) -> None:
    """Fetch the form, fill it in, submit; again until the deadline. Connection failures are retried."""
    rng, client = random.Random(seed), Client(base_url)
    try:
        while time.monotonic() < deadline:
            try:
                await _one_submission(client, path, tally, rng, is_ack)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                tally.connection_errors += 1
                client.close()
                await asyncio.sleep(0.05)
    finally:
        client.close()


async def _one_submission(client: Client, path: str, tally: Tally, rng: random.Random,
                          is_ack: Callable[[Reply], bool]) -> None:
    started = time.perf_counter()
    page = await client.request("GET", path)
    tally.form_latency.append(time.perf_counter() - started)
    tally.statuses[page.status] = tally.statuses.get(page.status, 0) + 1
    form = parse_form(page.text) if page.status == 200 else None
    if form is None:
        tally.rejected += 1
        return
    fields = fill(form, rng)
    submission_id = dict(fields).get("submission_id", "")
    started = time.perf_counter()
    reply = await client.request("POST", form.action or path, fields)
    tally.submit_latency.append(time.perf_counter() - started)
    tally.statuses[reply.status] = tally.statuses.get(reply.status, 0) + 1
    if is_ack(reply):
        tally.acked.append(submission_id)
    else:
        tally.rejected += 1


async def pinger(base_url: str, path: str, deadline: float, tally: Tally, method: str = "GET") -> None:
    """A baseline: ``method`` on ``path`` until the deadline (a POST sends an empty form)."""
    client = Client(base_url)
    try:
        while time.monotonic() < deadline:
            try:
                reply = await client.request(method, path, [] if method == "POST" else None)
                tally.statuses[reply.status] = tally.statuses.get(reply.status, 0) + 1
            except (OSError, asyncio.IncompleteReadError):
                tally.connection_errors += 1
                client.close()
    finally:
        client.close()
