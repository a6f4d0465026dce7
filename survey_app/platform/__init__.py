"""The web platform under the survey application: what Flask, Flask-WTF and gunicorn need around our code.

Everything here knows HTTP, Flask and the server, and nothing about campaigns, units, questionnaires or reports:
the domain modules and the blueprints of :mod:`survey_app` import from this package, never the other way round
(``tests/test_platform.py::test_the_platform_imports_nothing_from_the_domain`` parses every import to hold it).

Plumbing every Flask application has:

- :mod:`.config` — default settings, ``instance/config.py`` and environment layering helpers (``create_app``).
- :mod:`.extensions` — ``db``, ``babel``, ``csrf``, ``login_manager``, ``limiter``, ``migrate``, created unbound.
- :mod:`.errors` — the localized error pages (400–500), never a traceback.
- :mod:`.security` — the security headers of every response (content security policy, ``nosniff``, no framing,
  referrer and permissions policies) and ``no-store`` on staff pages: a few lines where an extension such as
  Flask-Talisman would also redirect to HTTPS and set HSTS, which nginx does here (``deploy/nginx.conf``). Held by
  ``tests/robustness/test_security.py::test_every_page_sends_the_security_headers``.
- :mod:`.row_id` — Werkzeug's ``int`` URL converter bounded to the ids a database row can have, so a huge id is a
  404 page, not a database overflow (a 500). Held by
  ``tests/admin/test_bad_input.py::test_an_id_too_large_for_the_database_is_not_found``.
- :mod:`.attachment` — the RFC 6266 ``Content-Disposition`` header for names holding a unit code (quotes, line
  breaks and Vietnamese letters broke Werkzeug's plain header). Held by
  ``tests/admin/test_bad_input.py::test_unit_codes_of_any_kind_make_a_valid_file_name``.

Shims: modules that replace a library's code path, each for a gain measured by ``bench/load.py`` or
``bench/page_weight.py`` (figures from ``bench/README.md``, 2-core machine, alternating 20 s runs), and each held
equal to the library by a test. A new one needs a measured reason too.

- :mod:`.cookie_session` replaces Flask's ``SecureCookieSessionInterface``: serializer and keys made once, a Cookie
  header checked in the last minute not checked again. With :mod:`.csrf_token` (below) it took submissions from
  861/887 to 915/959 per second. Same cookies as Flask's:
  ``tests/test_cookie_session.py::test_cookies_are_the_same_as_flasks``, and a tampered cookie is refused even after
  the genuine one was accepted (same file).
- :mod:`.csrf_token` replaces Flask-WTF's ``generate_csrf``/``validate_csrf`` on the survey pages: the session's
  raw token encoded once per visit, signed and checked by itsdangerous' own signer (gain: see
  :mod:`.cookie_session`). Byte for byte Flask-WTF's token:
  ``tests/test_csrf_token.py::test_the_token_is_byte_for_byte_flask_wtfs`` (a property test) and
  ``::test_tokens_pass_flask_wtfs_check_and_the_other_way_round``.
- :mod:`.compression` stands where Flask-Compress or a compressing proxy would: gzip of text responses makes a
  survey page five to six times smaller and keeps a QR survey under the 30 KB budget ``bench/page_weight.py``
  checks; the Accept-Encoding header is parsed once per distinct header (one row of the table of changes that took
  a submission from 6.3 to ~1.65 ms of CPU; no separate figure). Pages reflecting their link stay uncompressed
  (BREACH). Held by ``tests/robustness/test_compression.py``.
- :mod:`.application` — ``SurveyFlask`` replaces ``Flask.ensure_sync`` with a memo: Flask asks
  ``inspect.iscoroutinefunction`` about every hook and view on every request (same row as the Accept-Encoding
  change; no separate figure). Same answer as Flask's:
  ``tests/test_platform.py::test_hooks_are_wrapped_as_flask_wraps_them``.
- :mod:`.worker` replaces gunicorn's sync worker's lingering close (gunicorn ≥ 26 waits up to 2 s for each client
  to hang up): 871/840 against 848/826 submissions/s with gunicorn's own sync worker. It still lingers when
  request bytes were left unread; ``tests/robustness/test_worker.py`` holds both on a real gunicorn
  (``test_a_reply_arrives_whole_when_the_request_body_was_not_read``,
  ``test_a_client_that_does_not_hang_up_does_not_hold_up_the_next_one``). Run with
  ``gunicorn --worker-class survey_app.platform.worker.SyncWorker`` (README, "Production").

Kept outside: ``survey_app/database.py`` (it seeds the demo province, which is domain), ``formats.py``,
``collation.py`` and ``form_messages.py`` (how Vietnamese numbers, names and messages are written: language, not
web plumbing), and ``i18n.py`` (the locale choice reads the domain's language catalogs).
"""
