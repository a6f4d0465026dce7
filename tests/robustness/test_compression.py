"""Text responses are gzipped for clients that accept it, and static files keep their cache validation."""

from __future__ import annotations

import gzip

from flask import Flask


def test_a_survey_page_is_gzipped_for_a_browser_and_plain_for_a_client_without_gzip(app: Flask,
                                                                                     fuzz_link: str) -> None:
    client = app.test_client()
    plain = client.get(f"/s/{fuzz_link}?lang=en")
    packed = client.get(f"/s/{fuzz_link}", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.get_data()).decode()
    assert page.startswith("<!doctype html>") and 'name="submission_id"' in page
    # compressed once per page in stretches (see blank_pages): within a few hundred bytes of gzip in one go
    assert len(packed.get_data()) < len(gzip.compress(page.encode())) + 200 < len(page.encode())


def test_static_files_are_gzipped_cached_and_revalidated(app: Flask) -> None:
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip"}
    first = client.get("/static/js/offline.js", headers=headers)
    again = client.get("/static/js/offline.js", headers=headers)  # served from the compressed copy
    etag = first.headers["ETag"]
    revalidated = client.get("/static/js/offline.js", headers={**headers, "If-None-Match": etag})

    assert first.headers["Content-Encoding"] == "gzip" and etag.startswith('W/"')
    assert gzip.decompress(first.get_data()) == gzip.decompress(again.get_data())
    assert b"survey-outbox" in gzip.decompress(first.get_data())
    assert "max-age" in first.headers["Cache-Control"]
    assert revalidated.status_code == 304
    for response in (first, again, revalidated):
        response.close()


def test_a_page_reflecting_its_link_is_never_compressed(app: Flask, fuzz_link: str) -> None:
    """BREACH: ``?code=`` is written into the page beside the CSRF token, so its size must not tell anything."""
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip"}
    reflected = client.get(f"/s/{fuzz_link}?code=AB12CD34&lang=en", headers=headers)
    assert reflected.status_code == 200 and "Content-Encoding" not in reflected.headers
    assert client.get(f"/s/{fuzz_link}?lang=en", headers=headers).headers["Content-Encoding"] == "gzip"
