"""``POST /k/<token>/heartbeat``: a kiosk browser says it is alive and how many answers wait in its outbox.

The body is JSON ``{"device": "<random id kept by the kiosk>", "unsent": <count>, "refused": <count>}``; the reply is
204, or 400 for anything else (404 for an unknown link). ``refused`` (kept answers the server refused for good, e.g.
too late for their campaign) may be missing: a kiosk page opened before it existed keeps running its old script
until it reloads, and its count then stays as it was. The kiosk link itself is the credential, as for the kiosk's
answers, so the request carries no CSRF token; it changes nothing but the kiosk's own health row.
The link is resolved by :func:`.links.find`, and the heartbeat is kept for the link's unit whether or not a
campaign is open (a kiosk standing between campaigns is still a kiosk the province wants to know about).
"""

from __future__ import annotations

from typing import TypeGuard

from flask import abort, request
from werkzeug.wrappers import Response as HttpResponse

from .. import kiosk_health
from ..models import utcnow
from ..platform.extensions import csrf, limiter
from . import links
from .routes import TOKEN, bp


@bp.post("/k/<token>/heartbeat")
@limiter.limit("12 per minute")
@csrf.exempt
def kiosk_heartbeat(token: str) -> HttpResponse:
    link = links.find(token, "kiosk") if TOKEN.match(token) else None
    if link is None or link.replaced:
        abort(404)
    body = request.get_json(silent=True)
    device = body.get("device") if isinstance(body, dict) else None
    unsent = body.get("unsent") if isinstance(body, dict) else None
    refused = body.get("refused") if isinstance(body, dict) else None
    if not isinstance(device, str) or not _count(unsent) or not (refused is None or _count(refused)):
        abort(400)
    if not kiosk_health.record(link.unit.id, device, unsent, utcnow(), refused=refused):
        abort(400)
    return HttpResponse(status=204)


def _count(value: object) -> TypeGuard[int]:
    """A JSON whole number (``true`` is not one, though Python counts it as an int)."""
    return isinstance(value, int) and not isinstance(value, bool)
