"""What a phone downloads to answer a survey: bytes on the wire and requests, in a real Chromium.

    python bench/page_weight.py

Serves the application with gunicorn on 127.0.0.1 (as in production: the app compresses its own responses), opens
the kiosk start page, the kiosk questions page and the QR survey page of the shipped one-stop questionnaire with an
empty cache, and prints, per page, the requests made, the bytes transferred (headers + compressed bodies, as
Chromium counts them) and the bytes after decompression; then the same page again with a warm cache. Any request to
another host is listed and fails the run. The bar (issue "Proof under fire"): a QR survey page is at most 30 KB on
the wire in at most 6 requests, with no third-party request. Issue 16 holds the one-question-per-screen kiosk
(its questions page, drawn screen by screen by kiosk.js) and the QR page's one-question option to the same bar,
with no spoken prompt fetched before someone presses Listen (run `flask translations speak` first to have them),
and so are the three pages of the one-tap counter mode (`/c/<token>`: the faces, the reason asked after a low
score, the thank-you page that returns to the start).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server import KIOSK_TOKEN, Server, prepare  # noqa: E402

BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 6


@dataclass
class Visit:
    requests: list[tuple[str, int, int, int]] = field(default_factory=list)  # url, status, on the wire, decoded
    foreign: list[str] = field(default_factory=list)

    @property
    def wire(self) -> int:
        return sum(r[2] for r in self.requests)

    @property
    def decoded(self) -> int:
        return sum(r[3] for r in self.requests)


def visit(page: Any, url: str) -> Visit:
    """Load ``url`` and wait until the network is idle; count every request the page made."""
    result = Visit()
    origin = urlsplit(url).netloc

    def finished(request: Any) -> None:
        response = request.response()
        sizes = request.sizes()
        body = response.body() if response is not None and response.status not in (204, 304) else b""
        wire = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        result.requests.append((request.url, response.status if response else 0, wire, len(body)))
        if urlsplit(request.url).netloc != origin:
            result.foreign.append(request.url)

    page.on("requestfinished", finished)
    page.on("requestfailed", lambda request: result.foreign.append(request.url)
            if urlsplit(request.url).netloc != origin else None)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", finished)
    return result


def show(name: str, result: Visit) -> None:
    print(f"{name:<48} {len(result.requests):>2} requests  {result.wire / 1024:6.1f} KB on the wire  "
          f"{result.decoded / 1024:6.1f} KB decoded")
    for url, status, wire, decoded in result.requests:
        print(f"    {status} {urlsplit(url).path[:60]:<60} {wire:>7} B  ({decoded} B decoded)")
    for url in result.foreign:
        print(f"    THIRD-PARTY OR FAILED: {url}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    from tests.postgres.server import free_port

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="survey-weight-") as folder:
        database_url = f"sqlite:///{folder}/weight.sqlite"
        token = prepare(database_url)
        server = Server(database_url, free_port(), workers=2)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                     args=["--no-sandbox", "--disable-background-networking"])
                pages = {"kiosk start": f"/k/{KIOSK_TOKEN}",
                         "kiosk, one question per screen": f"/k/{KIOSK_TOKEN}/questions?lang=vi",
                         "QR survey page (phone)": f"/s/{token}",
                         "QR, one question at a time": f"/s/{token}?steps=1",
                         "counter start (faces)": f"/c/{token}",
                         "counter reason (after a low score)": f"/c/{token}/why?sid={uuid.uuid4().hex}",
                         "counter thank-you": f"/c/{token}/thanks"}
                results = {}
                for name, path in pages.items():
                    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
                    page = context.new_page()
                    results[name] = cold = visit(page, server.base_url + path)
                    show(name + ", empty cache", cold)
                    show(name + ", warm cache", visit(page, server.base_url + path))
                    context.close()
                browser.close()
        finally:
            server.stop()
    foreign = any(r.foreign for r in results.values())
    ok = not foreign
    print()
    for name in ("QR survey page (phone)", "kiosk, one question per screen", "QR, one question at a time",
                 "counter start (faces)", "counter reason (after a low score)", "counter thank-you"):
        result = results[name]
        audio = [url for url, *_ in result.requests if "/audio/" in url]
        fits = result.wire <= BUDGET_BYTES and len(result.requests) <= BUDGET_REQUESTS and not audio
        ok = ok and fits
        print(f"{name}: {result.wire / 1024:.1f} KB in {len(result.requests)} requests, {len(audio)} audio "
              f"(budget {BUDGET_BYTES // 1024} KB, {BUDGET_REQUESTS} requests, no audio until played, no third "
              f"party): {'OK' if fits and not foreign else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
