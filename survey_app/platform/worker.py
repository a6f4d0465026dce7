"""gunicorn's sync worker, without waiting for each client to hang up after its reply.

Since gunicorn 26 the sync worker ends every connection with ``util.close_graceful``: it half-closes, then blocks
reading until the client closes its side (up to 2 s), so that request bytes it never read cannot make the kernel
reset the connection and cut off the end of the reply (RFC 9112 §9.6). A sync worker serves one connection at a
time, so it spends that wait serving no one: one round trip per request to a phone on 3G, and here, under load on
127.0.0.1, a sixth of the throughput (913 submissions/s with gunicorn 25.3, 775/s with 26.2 and 27.0, the same
application). The reset only happens when unread bytes are left, and a survey request is nearly always read to its
end; so this worker looks first (a non-blocking peek) and closes at once when nothing is left, and lingers as
gunicorn does when something is.

Run it with ``gunicorn --worker-class survey_app.platform.worker.SyncWorker`` (README, "Production").
"""

from __future__ import annotations

import socket
from typing import Any

from gunicorn import util
from gunicorn.workers import sync

#: gunicorn's lingering close (gunicorn 26 and later); earlier versions close at once and need nothing here.
_LINGERING_CLOSE = getattr(util, "close_graceful", None)


def close_unless_unread(sock: socket.socket, *args: Any, **kwargs: Any) -> None:
    """Close at once when the client has sent nothing more; otherwise gunicorn's lingering close."""
    try:
        unread = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        unread = b""  # nothing waiting and the connection still open: a plain close sends FIN, not RST
    except (OSError, ValueError):  # ValueError: a TLS socket takes no flags; let gunicorn decide
        unread = None
    if unread == b"" or _LINGERING_CLOSE is None:
        util.close(sock)
    else:
        _LINGERING_CLOSE(sock, *args, **kwargs)


class SyncWorker(sync.SyncWorker):
    """gunicorn's sync worker; each connection ends with :func:`close_unless_unread`."""

    def init_process(self) -> None:
        # gunicorn's sync module calls util.close_graceful by name; this process only runs this worker.
        if _LINGERING_CLOSE is not None:
            util.close_graceful = close_unless_unread
        super().init_process()
