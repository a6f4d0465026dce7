"""Citizen-facing pages: a unit's kiosk (``/k/<token>``) and QR link (``/s/<token>``); see routes.py.

The contract a client (browser, load test, offline queue) relies on:

* ``GET /s/<token>`` or ``GET /k/<token>/questions`` returns the form of the campaign open for the unit today, with
  three hidden fields, ``csrf_token`` (bound to the session cookie, valid ``WTF_CSRF_TIME_LIMIT``),
  ``submission_id`` (32 lowercase hex digits) and ``campaign_stamp`` (the campaign and day the form was drawn for,
  signed); ``?lang=<code>`` picks the language for the rest of the visit. At a unit that uses receipt codes,
  ``GET /s/<token>`` first asks for the code; ``?code=`` (a slip's QR link) checks it and, if it can answer, gives
  the form with the code in a hidden ``receipt_code`` field.
* ``POST`` to the same address, form-encoded: the hidden fields and one ``q_<item id>`` per answered item
  (``multi``: the field repeated once per chosen code).
* ``303`` to ``…/thanks``: stored, or already stored under that ``submission_id``. ``422``: answers or receipt
  code refused, shown again with messages. ``400``: stale CSRF token or bad submission id, form shown again with
  every answer and a fresh token. ``403``: no campaign takes answers for the unit today (the page says when the
  next starts), or a kiosk at a unit that uses receipt codes. ``410``: a replaced link, or answers that arrived
  after their campaign's grace period. ``404``: unknown token (a QR token on the kiosk route included). ``429``:
  too many submissions (``SUBMIT_RATE_LIMIT``) from one client. Every refusal stores nothing.
"""

from . import heartbeat  # noqa: F401  (registers the kiosk heartbeat route)
from .routes import bp

__all__ = ["bp"]
