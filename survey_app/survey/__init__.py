"""Citizen-facing pages: the kiosk (``/k/<token>``) and the QR link (``/s/<token>``); see routes.py.

The contract a client (browser, load test, offline queue) relies on:

* ``GET /s/<token>`` or ``GET /k/<token>/questions`` returns the form with two hidden fields, ``csrf_token``
  (bound to the session cookie, valid ``WTF_CSRF_TIME_LIMIT``) and ``submission_id`` (32 lowercase hex digits);
  ``?lang=<code>`` picks the language for the rest of the visit, ``?code=`` pre-fills a receipt code.
* ``POST`` to the same address, form-encoded: the two hidden fields, one ``q_<item id>`` per answered item
  (``multi``: the field repeated once per chosen code) and, on a QR link that requires one, ``receipt_code``.
* ``303`` to ``…/thanks``: stored, or already stored under that ``submission_id``. ``422``: answers or receipt
  code refused, form shown again with messages. ``400``: stale CSRF token or bad submission id, form shown
  again with every answer and a fresh token. ``403``/``410``: campaign not open yet / closed. ``404``:
  unknown token. ``429``: too many submissions (``SUBMIT_RATE_LIMIT``) from one client.
"""

from . import heartbeat  # noqa: F401  (registers the kiosk heartbeat route)
from .routes import bp

__all__ = ["bp"]
