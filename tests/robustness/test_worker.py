"""The gunicorn worker class production runs (``survey_app.platform.worker.SyncWorker``), on a real gunicorn."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import PING_PATH, Server, prepare
from tests.postgres.server import free_port


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One sync worker, so that a connection it lingers on would hold up every other client."""
    folder = tmp_path_factory.mktemp("worker")
    url = f"sqlite:///{folder / 'survey.sqlite'}"
    prepare(url)
    server = Server(url, free_port(), workers=1, log=folder / "gunicorn.log")
    server.start()
    yield server
    server.stop()


def _reply(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes its side."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def test_a_client_that_does_not_hang_up_does_not_hold_up_the_next_one(one_worker: Server) -> None:
    """A phone on 3G takes a round trip to close its side; gunicorn 26's own sync worker waits for it (up to 2 s)
    before it serves anyone else."""
    request = f"GET {PING_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    first = _connect(one_worker)
    try:
        first.sendall(request)
        assert _reply(first).startswith(b"HTTP/1.1 200")  # the server closed its side; this client keeps its own
        started = time.monotonic()
        with _connect(one_worker) as second:
            second.sendall(request)
            assert _reply(second).endswith(b"\r\n\r\nok")
        assert time.monotonic() - started < 1.0
    finally:
        first.close()


def test_a_reply_arrives_whole_when_the_request_body_was_not_read(one_worker: Server) -> None:
    """Unread request bytes make a plain close send a reset, which can destroy the reply before the client reads
    it (RFC 9112 §9.6): then the worker drains them first, as gunicorn does."""
    body = b"x" * 200_000
    head = (f"POST {PING_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    for _ in range(5):
        with _connect(one_worker) as sock:
            sender = threading.Thread(target=_send_quietly, args=(sock, head + body))
            sender.start()
            time.sleep(0.05)  # the reply (405: the endpoint takes GET only) is written before the body is all in
            reply = _reply(sock)
            sender.join()
        head_part, _, content = reply.partition(b"\r\n\r\n")
        assert head_part.startswith(b"HTTP/1.1 405")
        length = next(int(line.split(b":")[1]) for line in head_part.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        assert len(content) == length


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # the server may close before taking all of it; what matters is the reply


def test_workers_write_their_log_without_errors(one_worker: Server) -> None:
    log = Path(one_worker.log).read_text()
    assert "Traceback" not in log and "Error" not in log, log
