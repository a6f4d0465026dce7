"""Respondents as a load generator: fetch a survey form, fill it in like a person would, post it.

The generator runs on the machine whose server it measures, so every bit of CPU it spends per submission is taken
from the server; it must cost a small fraction of what the server spends on a submission. Hence:

* a minimal HTTP/1.1 client on plain non-blocking sockets, all of one event loop's in a single epoll set that the
  loop watches (:class:`_Poller`; Linux only, like the /proc reading in bench/server.py), driven by callbacks
  rather than a coroutine per request: no streams, transports, futures or task switches per request, no thread per
  client (those would spend the benchmark's CPU on the GIL). gunicorn's sync workers close the connection after
  every reply, so connecting is most of a request's cost and has to be cheap: ``loop.create_connection`` on the
  default loop alone costs more than all the rest. Request heads are built once per cookie jar and reused as
  bytes; a reply's head is searched only for the headers the client acts on (framing, gzip, Set-Cookie,
  Connection), the header dictionary is built only when asked for; and a reply's head alone does not wake the
  generator when its body is sure to follow (see :meth:`Client._connect`);
* forms are filled from the HTML alone — every radio group gets an answer, numbers their minimum, selects their
  first option — so the generator follows whatever questionnaire the page shows and posts exactly what a browser
  would, CSRF token and submission id included. Parsing a form costs ~1 ms, so a form is parsed in full only the
  first time its page is seen: the page is then remembered cut around its two volatile values (:class:`_Shape`),
  and a later page that is the same byte for byte outside them gets its token and id spliced into one of
  :data:`ANSWER_POOL` answer sets drawn with :func:`fill` and url-encoded once for that form (:class:`_Answers`).
  Any other page (an error page, another questionnaire) is parsed and filled in from scratch.

Every respondent still fetches the page with ``Accept-Encoding: gzip`` and decompresses all of it, posts that
page's fresh token and submission id with the session cookie it was given, and counts an acknowledgement only
for the id it posted. uvloop (outer event loop) and ISA-L (inflate) are used when installed and cut the
generator's CPU a little further; without them the standard library does the same work. Only 127.0.0.1 is ever a
target, and a respondent's connection is cut :data:`GRACE_SECONDS` after its deadline, so a server that stops
answering cannot hold a run.
"""

from __future__ import annotations

import asyncio
import errno
import html
import os
import random
import re
import select
import socket
import time
import uuid
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

try:  # ISA-L's inflate takes about half the CPU of zlib's on a survey page; the result is the same
    from isal.isal_zlib import decompress as _inflate
    from isal.isal_zlib import error as _IsalError

    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _IsalError)  # type: ignore[assignment]
except ImportError:  # pragma: no cover - depends on the environment
    from zlib import decompress as _inflate

    _INFLATE_ERRORS = (zlib.error,)

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Distinct answer sets drawn per form; each submission posts one of them, chosen at random.
ANSWER_POOL = 64
#: How long past its deadline a respondent or pinger waits for a reply before its connection is cut.
GRACE_SECONDS = 10.0
#: The two values a survey page changes on every fetch; everything else in it is the same for a given form.
VOLATILE = ("csrf_token", "submission_id")

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop when it is installed (~8 % less generator CPU per submission against gunicorn),
    else on the default loop; the generator works the same on both."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


class Reply:
    """An HTTP reply: status, headers (lower-case names, parsed from the raw head only when asked for) and the
    body, already gunzipped."""

    __slots__ = ("status", "body", "_head", "_lower", "_headers")

    def __init__(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"",
                 head: bytes = b"") -> None:
        self.status, self.body, self._head, self._lower, self._headers = status, body, head, b"", headers

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:  # one Set-Cookie per reply is all Flask sends: a dict will do
            self._headers = {name.decode("latin-1").lower(): value.decode("latin-1").strip()
                             for name, value in _HEADER.findall(self._head)}
        return self._headers

    def header(self, name: str, default: str = "") -> str:
        """One header's value (the first, if repeated), without building :attr:`headers`."""
        if self._headers is not None:
            return self._headers.get(name.lower(), default)
        if not self._lower:
            self._lower = self._head.lower()
        value = _header_value(self._head, self._lower, b"\r\n" + name.lower().encode("latin-1") + b":")
        return default if value is None else value.decode("latin-1")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.headers!r}, {len(self.body)} bytes)"


_HEADER = re.compile(rb"\r\n([^:\r\n]+):[ \t]*([^\r\n]*)")
_MAX_HEAD = 64 * 1024
#: Bytes asked of each recv(): a survey page's reply fits, and it stays below glibc's mmap threshold (a larger
#: buffer costs an mmap, an mremap and a munmap per read).
_READ_SIZE = 64 * 1024


def _header_value(head: bytes, lower: bytes, marker: bytes, start: int = 0) -> bytes | None:
    """The value after ``marker`` ("\\r\\nname:", lower case) in a reply head, searched in its lower-cased copy."""
    at = lower.find(marker, start)
    if at < 0:
        return None
    at += len(marker)
    return head[at:head.find(b"\r\n", at)].strip()


Done = Callable[["Reply | None", "BaseException | None"], None]


class Client:
    """One respondent's browser: a keep-alive connection and a cookie jar.

    A plain non-blocking socket in the loop's :class:`_Poller`, not a Transport/Protocol pair or streams (see the
    module docstring). :meth:`start` hands the reply to a callback from within the poller's callback, without a
    future or a task switch (each would be one more turn of the event loop); :meth:`send` and :meth:`request` wrap
    it for coroutines."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"refusing to send load to {parts.hostname}: only 127.0.0.1 is allowed")
        self.host, self.port = parts.hostname, parts.port or 80
        address = "127.0.0.1" if self.host == "localhost" else self.host  # no resolver round trip
        self._family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._address = (address, self.port)
        self.cookies: dict[str, str] = {}
        self._heads: dict[tuple[str, str], bytes] = {}
        self._heads_cookies: dict[str, str] = {}  # the jar the cached heads were built with
        self._sock: socket.socket | None = None
        self._poller: _Poller | None = None  # the running loop's, which watches the socket
        self._reused = False  # whether the open connection already carried a reply
        # The request in flight: who to tell, what is left to send, what has arrived, the reply's framing.
        self._done: Done | None = None
        self._request = self._unsent = self._buffer = self._head = self._lower = b""
        self._may_retry = self._chunked = self._close = False
        self._watched = False  # whether the socket is in the poller's set
        self._status = self._body_start = self._length = 0
        self._line = b""  # the request line of the request in flight
        self._low_water: dict[bytes, int] = {}  # request line → SO_RCVLOWAT for its next connection (see _connect)

    def head(self, method: str, path: str) -> bytes:
        """The request line and headers for ``method path`` with the current cookies, without the blank line
        that ends them: built once per cookie jar and reused."""
        if self.cookies != self._heads_cookies:
            self._heads, self._heads_cookies = {}, dict(self.cookies)
        head = self._heads.get((method, path))
        if head is None:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: gzip",
                     "Accept-Language: vi", "User-Agent: survey-bench"]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                lines.append("Content-Type: application/x-www-form-urlencoded")
            head = self._heads[(method, path)] = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        return head

    def post_request(self, path: str, body: bytes) -> bytes:
        """A whole POST request for an already url-encoded form body."""
        return b"%sContent-Length: %d\r\n\r\n%s" % (self.head("POST", path), len(body), body)

    async def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Reply:
        if fields is None:
            return await self.send(self.head(method, path) + b"\r\n")
        return await self.send(self.post_request(path, urlencode(fields).encode()))

    async def send(self, request: bytes) -> Reply:
        """Send one complete request (head and body) and return the reply."""
        waiter: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()

        def done(reply: Reply | None, error: BaseException | None) -> None:
            if not waiter.done():
                if error is not None:
                    waiter.set_exception(error)
                else:
                    waiter.set_result(reply)  # type: ignore[arg-type]

        self.start(request, done)
        try:
            return await waiter
        except BaseException:
            self.close()
            raise

    def start(self, request: bytes, done: Done) -> None:
        """Send ``request`` (head and body); call ``done(reply, None)`` or ``done(None, error)`` once the reply is
        in or the exchange failed — from an event-loop callback, or at once if it fails at once. The client keeps
        the cookies the reply sets. One request at a time.

        A kept-alive connection that the server closed while idle fails before any byte of the reply arrives;
        then, as a browser does, the request goes once more on a new connection."""
        if self._done is not None:
            raise RuntimeError("a request is already in flight on this client")
        self._poller = _Poller.of(asyncio.get_running_loop())
        self._done, self._request, self._may_retry = done, request, self._sock is not None and self._reused
        self._line = request[:request.find(b"\r\n")]
        self._transmit(request)

    def _transmit(self, request: bytes) -> None:
        self._buffer = self._head = b""
        try:
            if self._sock is None:
                self._connect()
            sock, poller = self._sock, self._poller
            assert sock is not None and poller is not None
            try:
                sent = sock.send(request)
            except (BlockingIOError, InterruptedError):  # the connection is still being made, or a full buffer
                sent = 0
        except OSError as error:
            self._fail(error)
            return
        if sent < len(request):
            self._unsent = request[sent:]
            poller.watch(sock.fileno(), select.EPOLLOUT, self._writable, self._watched)
        else:
            poller.watch(sock.fileno(), select.EPOLLIN, self._readable, self._watched)
        self._watched = True

    def _connect(self) -> None:
        """A new connection. If the server closed the connection after its last reply to the same request, the
        socket is not reported readable until that reply's head and one byte more are in, or the server closes
        it: gunicorn writes the head and the body separately, and the head alone would wake the generator once
        more per request for nothing. (Only then: on a kept-alive connection a shorter reply would wait.)"""
        sock = socket.socket(self._family, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
        try:
            low_water = self._low_water.get(self._line)
            if low_water:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, low_water)
            error = sock.connect_ex(self._address)
            if error not in (0, errno.EINPROGRESS):
                raise OSError(error, os.strerror(error))
        except OSError:
            sock.close()
            raise
        self._sock, self._reused = sock, False

    def _writable(self) -> None:
        """Event-loop callback: send the rest of the request, then wait for the reply."""
        sock, poller = self._sock, self._poller
        if sock is None or poller is None:
            return
        try:
            error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:
                raise OSError(error, os.strerror(error))
            self._unsent = self._unsent[sock.send(self._unsent):]
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._fail(error)
            return
        if not self._unsent:
            poller.watch(sock.fileno(), select.EPOLLIN, self._readable, True)

    def _readable(self) -> None:
        """Event-loop callback: read what arrived; once the whole reply is in, hand it over."""
        sock = self._sock
        if sock is None or self._done is None:
            return
        try:
            data = sock.recv(_READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._fail(error)
            return
        if not data:  # the server closed the connection
            if self._head and self._length < 0 and not self._chunked:
                self._resolve(self._buffer[self._body_start:])  # a body that runs until the close
            else:
                self._fail(ConnectionResetError("connection closed before the reply was complete"))
            return
        buffer = self._buffer = self._buffer + data if self._buffer else data
        if not self._head and not self._found_head(buffer):
            return
        start = self._body_start
        if self._length >= 0:
            if len(buffer) - start >= self._length:
                self._resolve(buffer[start:start + self._length])
        elif self._chunked:
            body = _dechunk(buffer, start)
            if body is not None:
                self._resolve(body)

    def _found_head(self, buffer: bytes) -> bool:
        """Whether the reply's head is in ``buffer``; if so read it (and fail the request if it is malformed)."""
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > _MAX_HEAD:
                self._fail(ConnectionError("reply head too long"))
            return False
        try:
            self._read_head(buffer[:end + 2])
        except (ValueError, IndexError) as error:
            self._fail(ConnectionError(f"malformed reply head: {error}"))
            return False
        self._body_start = end + 4
        return True

    def _read_head(self, head: bytes) -> None:
        """Framing and cookies from a reply head (the status line and header lines, each ending in CRLF)."""
        lower = self._lower = head.lower()
        self._head, self._status = head, int(head.split(b" ", 2)[1])
        length = _header_value(head, lower, b"\r\ncontent-length:")
        self._length = int(length) if length is not None else -1
        self._chunked = (_header_value(head, lower, b"\r\ntransfer-encoding:") or b"").lower().endswith(b"chunked")
        self._close = (_header_value(head, lower, b"\r\nconnection:") or b"").lower() == b"close"
        if self._status < 200 or self._status in (204, 304):
            self._length, self._chunked = 0, False
        elif self._length < 0 and not self._chunked:
            self._close = True  # the body runs until the server closes the connection
        at = lower.find(b"\r\nset-cookie:")
        while at >= 0:
            key, _, rest = (_header_value(head, lower, b"\r\nset-cookie:", at) or b"").decode("latin-1").partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
            at = lower.find(b"\r\nset-cookie:", at + 13)

    def _resolve(self, body: bytes) -> None:
        if _header_value(self._head, self._lower, b"\r\ncontent-encoding:") == b"gzip":
            try:
                body = _inflate(body, 16 + zlib.MAX_WBITS)
            except _INFLATE_ERRORS as error:
                self._fail(ConnectionError(f"bad gzip body: {error}"))
                return
        reply = Reply(self._status, None, body, self._head)
        reply._lower = self._lower
        if self._close:
            self._low_water[self._line] = len(self._head) + 3  # the head, its blank line and one byte
            self._disconnect()
        else:
            self._low_water.pop(self._line, None)
            self._unwatch()
            self._reused = True
        done, self._done = self._done, None
        if done is not None:
            done(reply, None)

    def _fail(self, error: BaseException) -> None:
        self._disconnect()
        if self._may_retry and not self._buffer and self._done is not None:
            self._may_retry = False
            self._transmit(self._request)
            return
        done, self._done = self._done, None
        if done is not None:
            done(None, error)

    def _unwatch(self) -> None:
        """Take the kept-alive socket out of the poller's set until the next request."""
        if self._watched and self._sock is not None and self._poller is not None:
            self._poller.unwatch(self._sock.fileno())
        self._watched = False

    def _disconnect(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            if self._watched and self._poller is not None:
                self._poller.forget(sock.fileno())  # closing the socket takes it out of the epoll set
            sock.close()
        self._watched = False

    def close(self) -> None:
        """Close the connection; a request in flight fails with ConnectionAbortedError."""
        self._disconnect()
        done, self._done = self._done, None
        if done is not None:
            done(None, ConnectionAbortedError("connection closed by the client"))


class _Poller:
    """Every client socket of one event loop in one epoll set, which is all the loop itself watches.

    Watching each short-lived socket with ``loop.add_reader``/``remove_reader`` costs, per request, a handle, two
    selector updates in Python and two ``epoll_ctl`` calls; here it costs one ``epoll_ctl``, and a socket leaves
    the set by itself when it is closed. Handlers must bear a spurious call (a closed socket's number can be
    reused by a new one within the same batch of events): they all read or write non-blocking."""

    _of_loop: dict[asyncio.AbstractEventLoop, _Poller] = {}

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.epoll = select.epoll()
        self.handlers: dict[int, Callable[[], None]] = {}
        loop.add_reader(self.epoll.fileno(), self.dispatch)

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _Poller:
        poller = cls._of_loop.get(loop)
        if poller is None:
            for old, stale in list(cls._of_loop.items()):  # pollers of loops that have ended
                if old.is_closed():
                    cls._of_loop.pop(old, None)
                    stale.epoll.close()
            poller = cls._of_loop[loop] = cls(loop)
        return poller

    def watch(self, fd: int, events: int, handler: Callable[[], None], watched: bool) -> None:
        self.handlers[fd] = handler
        if watched:
            self.epoll.modify(fd, events)
        else:
            self.epoll.register(fd, events)

    def unwatch(self, fd: int) -> None:
        self.handlers.pop(fd, None)
        self.epoll.unregister(fd)

    def forget(self, fd: int) -> None:
        self.handlers.pop(fd, None)

    def dispatch(self) -> None:
        handlers = self.handlers
        for fd, _ in self.epoll.poll(0):
            handler = handlers.get(fd)
            if handler is not None:
                handler()


def _dechunk(buffer: bytes, start: int) -> bytes | None:
    """The chunked body starting at ``start``, or None while it is incomplete (trailers are not expected)."""
    parts: list[bytes] = []
    at = start
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(buffer[at:line_end].split(b";", 1)[0], 16)
        if size == 0:
            return b"".join(parts) if buffer.find(b"\r\n\r\n", line_end) >= 0 else None
        if len(buffer) < line_end + 2 + size + 2:
            return None
        parts.append(buffer[line_end + 2:line_end + 2 + size])
        at = line_end + 2 + size + 2


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
        for dropdown in _SELECT.finditer(body):
            name = _attributes(dropdown[1]).get("name")
            if name:
                form.options[name] = [_attributes(o[1]).get("value", "") for o in _OPTION.finditer(dropdown[2])]
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


class _Answers:
    """:data:`ANSWER_POOL` answer sets for one form, drawn by :func:`fill` and url-encoded once, each split where
    the page's CSRF token and submission id go: ``before + token + between + id + after``."""

    def __init__(self, form: Form) -> None:
        rng, marks = random.Random(0), {name: uuid.uuid4().hex for name in VOLATILE}
        self.pool: list[tuple[bytes, bytes, bytes]] = []
        for _ in range(ANSWER_POOL):
            fields = [(name, marks.get(name, value)) for name, value in fill(form, rng)]
            encoded = urlencode(fields).encode()
            before, _, rest = encoded.partition(marks["csrf_token"].encode())
            between, _, after = rest.partition(marks["submission_id"].encode())
            self.pool.append((before, between, after))

    @staticmethod
    def fit(form: Form, fields: list[tuple[str, str]]) -> bool:
        """Whether the form carries each volatile value exactly once, token before id (as the pool assumes)."""
        names = [name for name, _ in fields if name in VOLATILE]
        return names == list(VOLATILE)

    _cache: dict[object, _Answers] = {}
    _CACHE_LIMIT = 32  # forms; past that (a page that changes more than token and id?) every page is parsed

    @classmethod
    def of(cls, form: Form) -> _Answers | None:
        """The pool for ``form``, shared by every respondent that sees the same form (same action, controls with
        their values — token and id aside — and options); None once too many forms were seen."""
        key = (form.action,
               tuple(tuple(sorted((k, v) for k, v in control.items() if control.get("name") not in VOLATILE
                                  or k != "value")) for control in form.controls),
               tuple((name, tuple(values)) for name, values in form.options.items()))
        answers = cls._cache.get(key)
        if answers is None and len(cls._cache) < cls._CACHE_LIMIT:
            answers = cls._cache[key] = cls(form)
        return answers


_URL_SAFE = re.compile(rb"[\w.~-]+")  # url-encodes to itself and needs no HTML unescaping
_VALUE_OF = {name: re.compile(rb'<input\b[^>]*?\bname="' + name.encode() + rb'"[^>]*?\bvalue="([^"]*)"')
             for name in VOLATILE}


class _Shape:
    """A parsed survey page cut around its CSRF token and submission id: ``before`` + token + ``between`` + id +
    ``after``. A new page that matches it byte for byte outside those two values is the same form, so its answers
    can come from the form's pool instead of a new parse."""

    def __init__(self, page: bytes, action: str, answers: _Answers, token: str, submission_id: str) -> None:
        """Cut ``page``, whose form posts ``token`` and ``submission_id``; :attr:`usable` says whether it could."""
        self.action, self.answers, self.usable = action, answers, False
        self.before = self.between = self.after = b""
        token_at, id_at = (_VALUE_OF[name].search(page) for name in VOLATILE)
        if token_at is None or id_at is None or token_at.end(1) > id_at.start(1):
            return
        if (token_at[1], id_at[1]) != (token.encode(), submission_id.encode()):
            return  # these are not the values the form posts (another form's?): leave the page to the parser
        if _URL_SAFE.fullmatch(token_at[1]) is None or _URL_SAFE.fullmatch(id_at[1]) is None:
            return
        self.before, self.between = page[:token_at.start(1)], page[token_at.end(1):id_at.start(1)]
        self.after, self.usable = page[id_at.end(1):], True

    _known: list[_Shape] = []  # most recently learnt first
    _KNOWN_LIMIT = 16

    @classmethod
    def learn(cls, page: bytes, action: str, answers: _Answers, token: str, submission_id: str) -> None:
        """Remember the shape of a page just parsed in full, for every respondent."""
        shape = cls(page, action, answers, token, submission_id)
        if shape.usable:
            cls._known = [shape] + [known for known in cls._known if known.before != shape.before
                                    or known.after != shape.after][:cls._KNOWN_LIMIT - 1]

    @classmethod
    def match(cls, page: bytes) -> tuple[_Shape | None, tuple[bytes, bytes] | None]:
        """The known shape ``page`` has, with its token and submission id; (None, None) if it has none."""
        for shape in cls._known:
            values = shape.values(page)
            if values is not None:
                return shape, values
        return None, None

    def values(self, page: bytes) -> tuple[bytes, bytes] | None:
        """The token and submission id of ``page`` if it is this shape, else None."""
        before, between = self.before, self.between
        if not page.startswith(before):
            return None
        token_end = page.find(b'"', len(before))
        if token_end < 0 or not page.startswith(between, token_end):
            return None
        id_start = token_end + len(between)
        id_end = page.find(b'"', id_start)
        if id_end < 0 or len(page) - id_end != len(self.after) or not page.endswith(self.after):
            return None
        token, submission_id = page[len(before):token_end], page[id_start:id_end]
        if _URL_SAFE.fullmatch(token) is None or _URL_SAFE.fullmatch(submission_id) is None:
            return None
        return token, submission_id


@dataclass
class Tally:
    """What the respondents saw: acknowledged submission ids, latencies, failures."""

    acked: list[str] = field(default_factory=list)
    form_latency: list[float] = field(default_factory=list)
    submit_latency: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    rejected: int = 0
    full_parses: int = 0  # pages whose form was parsed and filled in from scratch (see the module docstring)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def _watchdog(client: Client, deadline: float) -> asyncio.TimerHandle:
    """Cut ``client``'s connection GRACE_SECONDS after ``deadline``: the pending request then fails and the loop
    ends, so a server that stops answering cannot hold the run."""
    return asyncio.get_running_loop().call_later(max(0.0, deadline - time.monotonic()) + GRACE_SECONDS,
                                                 client.close)


#: What ends a submission as a connection error (counted, then retried after a pause) rather than a crash.
CONNECTION_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError)


async def respondent(base_url: str, path: str, deadline: float, tally: Tally, seed: int,
                     is_ack: Callable[[Reply], bool]) -> None:
    """Fetch the form, fill it in, submit; again until the deadline. Connection failures are retried."""
    client = Client(base_url)
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    steps = _Respondent(client, path, deadline, tally, random.Random(seed), is_ack, finished)
    watchdog = _watchdog(client, deadline)
    try:
        steps.fetch_form()
        await finished
    finally:
        steps.stop()
        watchdog.cancel()
        client.close()


class _Respondent:
    """:func:`respondent`'s loop as a chain of event-loop callbacks: the form's reply starts the submission, the
    submission's reply starts the next form fetch. A coroutine would wake through a future and a task step twice
    per submission, each one more turn of the event loop."""

    def __init__(self, client: Client, path: str, deadline: float, tally: Tally, rng: random.Random,
                 is_ack: Callable[[Reply], bool], finished: asyncio.Future[None]) -> None:
        self.client, self.path, self.deadline, self.tally, self.rng = client, path, deadline, tally, rng
        self.is_ack, self.finished = is_ack, finished
        self.started, self.submission_id = 0.0, ""
        self.pause: asyncio.TimerHandle | None = None

    def fetch_form(self) -> None:
        self.pause = None
        if self.finished.done():
            return
        if time.monotonic() >= self.deadline:
            self.finished.set_result(None)
            return
        self.started = time.perf_counter()
        self.client.start(self.client.head("GET", self.path) + b"\r\n", self.on_form)

    def on_form(self, page: Reply | None, error: BaseException | None) -> None:
        latency = time.perf_counter() - self.started
        if error is not None or page is None:
            self.on_error(error)
            return
        tally = self.tally
        tally.form_latency.append(latency)
        tally.statuses[page.status] = tally.statuses.get(page.status, 0) + 1
        try:
            answer = _answer(page, self.path, self.rng, tally) if page.status == 200 else None
        except Exception as crash:  # a bug, not a connection error: on_error ends the run with it
            self.on_error(crash)
            return
        if answer is None:
            tally.rejected += 1
            self.fetch_form()
            return
        action, body, self.submission_id = answer
        self.started = time.perf_counter()
        self.client.start(self.client.post_request(action, body), self.on_submitted)

    def on_submitted(self, reply: Reply | None, error: BaseException | None) -> None:
        latency = time.perf_counter() - self.started
        if error is not None or reply is None:
            self.on_error(error)
            return
        tally = self.tally
        tally.submit_latency.append(latency)
        tally.statuses[reply.status] = tally.statuses.get(reply.status, 0) + 1
        try:
            acknowledged = self.is_ack(reply)
        except Exception as crash:  # a bug, not a connection error: on_error ends the run with it
            self.on_error(crash)
            return
        if acknowledged:
            tally.acked.append(self.submission_id)
        else:
            tally.rejected += 1
        self.fetch_form()

    def on_error(self, error: BaseException | None) -> None:
        if self.finished.done():
            return
        if not isinstance(error, CONNECTION_ERRORS):
            self.finished.set_exception(error or RuntimeError("no reply and no error"))
            return
        self.tally.connection_errors += 1
        self.client.close()
        self.pause = asyncio.get_running_loop().call_later(0.05, self.fetch_form)

    def stop(self) -> None:
        if self.pause is not None:
            self.pause.cancel()
        if not self.finished.done():
            self.finished.cancel()


def _answer(page: Reply, path: str, rng: random.Random, tally: Tally) -> tuple[str, bytes, str] | None:
    """Where to post, the url-encoded answers and their submission id, for a form page; None if it has no form.

    A page of a known shape gets a ready answer set with its own token and id spliced in; any other page is
    parsed and filled in from scratch, and its shape learnt."""
    known, values = _Shape.match(page.body)
    if known is not None and values is not None:
        token, raw_id = values
        before, between, after = rng.choice(known.answers.pool)
        return known.action, b"".join((before, token, between, raw_id, after)), raw_id.decode()
    tally.full_parses += 1
    form = parse_form(page.text)
    if form is None:
        return None
    fields = fill(form, rng)
    action, submission_id = form.action or path, dict(fields).get("submission_id", "")
    answers = _Answers.of(form) if _Answers.fit(form, fields) else None
    if answers is not None:
        _Shape.learn(page.body, action, answers, dict(fields)["csrf_token"], submission_id)
    return action, urlencode(fields).encode(), submission_id


async def pinger(base_url: str, path: str, deadline: float, tally: Tally, method: str = "GET") -> None:
    """A baseline: ``method`` on ``path`` until the deadline (a POST sends an empty form)."""
    client = Client(base_url)
    end = b"Content-Length: 0\r\n\r\n" if method == "POST" else b"\r\n"
    watchdog = _watchdog(client, deadline)
    try:
        while time.monotonic() < deadline:
            try:
                reply = await client.send(client.head(method, path) + end)
                tally.statuses[reply.status] = tally.statuses.get(reply.status, 0) + 1
            except (OSError, asyncio.IncompleteReadError):
                tally.connection_errors += 1
                client.close()
    finally:
        watchdog.cancel()
        client.close()
