"""The README's production setup, real and tested (issue 11): Debian's nginx with ``deploy/nginx.conf`` on
127.0.0.1 with a throw-away self-signed certificate, in front of two gunicorn servers started with the README's
command from ``deploy/wsgi.py``, sharing one PostgreSQL database and one ``redis-server`` for the rate limits.

Chromium signs in over real TLS (finding 1: the sign-in form needs a same-origin Referer behind HTTPS), a phone
answers a QR survey, the servers' access logs show nginx alternating between them, the sign-in limit counts once
across both, and one server is killed with SIGKILL under load while nothing acknowledged is lost.
"""

from __future__ import annotations

import http.client
import random
import re
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from bench.load import stored_ids
from bench.server import prepare
from bench.traffic import fill, parse_form
from survey_app import create_app
from survey_app.auth.accounts import create_user
from survey_app.models import Campaign
from survey_app.platform.extensions import db
from tests.browser.conftest import answer_every_question, translated
from tests.conftest import CHROMIUM, require
from tests.postgres.server import PostgresServer, free_port
from tests.production import stack

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.postgres]

ADMIN, PASSWORD = "admin@tinh.gov.vn", "a-long-production-password"
TOKEN_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Production:
    url: str
    database_url: str
    token: str
    campaign_id: int
    servers: list[stack.Process]
    redis_port: int

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 443)

    def logs(self) -> list[list[str]]:
        """Each server's access log lines so far ("METHOD /path STATUS", no query string, no address)."""
        return [[line for line in server.log.read_text(errors="replace").splitlines()
                 if re.match(r"^[A-Z]+ /\S* \d{3}$", line)] for server in self.servers]


@pytest.fixture(scope="module")
def production(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    for name in stack.TOOLS:
        require(stack.tool(name) is not None, f"{name} not found (apt-get install nginx redis-server openssl)")
    folder = tmp_path_factory.mktemp("production")
    database_url = postgres.create_database(template=None)
    token = prepare(database_url)  # Alembic migrations, one open campaign with one one-stop shop
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "setup", "RATELIMIT_ENABLED": False})
    with app.app_context():
        create_user(ADMIN, PASSWORD, "province_admin", "Province administrator")
        db.session.commit()
        campaign_id = db.session.scalars(db.select(Campaign.id)).one()
        db.session.remove()
        db.engine.dispose()
    started: list[stack.Process] = []
    try:
        redis_port = free_port()
        started.append(stack.redis_server(folder, redis_port))
        environment = {"DATABASE_URL": database_url, "SECRET_KEY": "production-test-" + uuid.uuid4().hex,
                       "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0"}
        ports = [free_port(), free_port()]
        servers = [stack.app_server(folder, f"server-{n}", port, 2, environment) for n, port in enumerate(ports, 1)]
        started += servers
        https_port = free_port()
        started.append(stack.nginx(folder, https_port, free_port(), ports, stack.self_signed_certificate(folder)))
        yield Production(f"https://127.0.0.1:{https_port}", database_url, token, campaign_id, servers, redis_port)
    finally:
        for process in reversed(started):
            process.stop()
        postgres.drop_database(database_url)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    require(CHROMIUM is not None, "Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-background-networking"])
        yield browser
        browser.close()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str


@dataclass
class HttpsClient:
    """A browser-like HTTPS client with a cookie jar, connecting from a chosen loopback address (nginx sees it as
    the client's address, so tests can stand for several people)."""

    production: Production
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
        connection = http.client.HTTPSConnection("127.0.0.1", self.production.port, timeout=20, context=context,
                                                 source_address=(self.source, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Reply(response.status, response.headers, text)

    def sign_in(self, email: str, password: str, token: str) -> Reply:
        return self.request("POST", "/login", [("csrf_token", token), ("email", email), ("password", password)],
                            {"Referer": f"{self.production.url}/login"})


def test_nginx_alternates_between_the_two_servers(production: Production) -> None:
    client = HttpsClient(production)
    before = [len(lines) for lines in production.logs()]
    marker = uuid.uuid4().hex[:8]
    for number in range(6):
        assert client.request("GET", f"/probe-{marker}-{number}").status == 404
    served_by = []
    for number in range(6):
        line, deadline = f"GET /probe-{marker}-{number} 404", time.monotonic() + 10
        # a worker writes its access log line just after the reply: wait for it
        while not (holders := [index for index, lines in enumerate(production.logs()) if line in lines]):
            assert time.monotonic() < deadline, f"{line} is in no server's log"
            time.sleep(0.05)
        assert len(holders) == 1, holders
        served_by.append(holders[0])
    print(f"\nprobes 0-5 served by servers {served_by}")
    assert all(a != b for a, b in zip(served_by, served_by[1:], strict=False)), served_by
    assert all(after > first for after, first in zip((len(lines) for lines in production.logs()), before,
                                                     strict=True))


def test_the_sign_in_limit_counts_once_across_both_servers(production: Production) -> None:
    """LOGIN_RATE_LIMIT is 10 per minute per address; counted in each process's memory, two servers with two
    workers each would let about 40 through. The attempts come from 127.0.0.2, another person than the browser
    tests below (127.0.0.1), who must not be locked out by them."""
    attacker = HttpsClient(production, source="127.0.0.2")
    page = attacker.request("GET", "/login")
    match = TOKEN_FIELD.search(page.body)
    assert page.status == 200 and match
    before = [sum("POST /login" in line for line in lines) for lines in production.logs()]
    statuses = [attacker.sign_in(ADMIN, "wrong-guess", match[1]).status for _ in range(11)]
    assert statuses == [200] * 10 + [429], statuses
    refused = attacker.sign_in(ADMIN, PASSWORD, match[1])
    assert refused.status == 429 and "Try again" in refused.body or "thử lại" in refused.body
    time.sleep(0.5)  # the last access log lines are written just after the replies
    after = [sum("POST /login" in line for line in lines) for lines in production.logs()]
    per_server = [a - b for a, b in zip(after, before, strict=True)]
    assert sum(per_server) == 12 and min(per_server) >= 5, per_server  # both servers took their share

    import redis

    keys = [key.decode() for key in redis.Redis(port=production.redis_port).keys("*")]
    assert any("login" in key for key in keys), keys
    assert not any("127.0.0.2" in key or ADMIN in key for key in keys), keys  # keyed hashes only
    for server in production.servers:
        assert "RATELIMIT_STORAGE_URI=memory://" not in server.log.read_text()


def test_admin_signs_in_over_https_opens_a_report_and_signs_out(production: Production, chromium: Any) -> None:
    context = chromium.new_context(ignore_https_errors=True, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{production.url}/admin/campaigns")
        page.wait_for_url(re.compile(r"/login\?next="))
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_response(lambda r: r.url.startswith(f"{production.url}/login")
                                  and r.request.method == "POST") as posted:
            page.click("main button[type=submit]")
        assert posted.value.status == 302, posted.value.text()  # 400 "referrer missing" before finding 1's fix
        page.wait_for_url(f"{production.url}/admin/campaigns")
        [session] = [cookie for cookie in context.cookies() if cookie["name"] == "session"]
        assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"

        report = page.goto(f"{production.url}/reports/{production.campaign_id}/")
        assert report is not None and report.status == 200
        assert "Benchmark" in page.locator("h1").inner_text()

        page.click("form.signout button")
        page.wait_for_url(f"{production.url}/")
        assert "Staff sign-in" in page.content()
        again = page.goto(f"{production.url}/reports/{production.campaign_id}/")
        assert again is not None and "/login" in page.url
    finally:
        context.close()


def test_a_phone_answers_a_qr_survey_over_https(production: Production, chromium: Any) -> None:
    before = len(stored_ids(production.database_url))
    context = chromium.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 640},
                                   is_mobile=True, has_touch=True, device_scale_factor=2, locale="vi-VN")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{production.url}/s/{production.token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        answer_every_question(page, touch=True)
        page.get_by_role("button", name=translated("Send")).tap()
        page.wait_for_url(re.compile(r"/s/[^/]+/thanks$"))
        assert page.locator("h1").inner_text() == translated("Thank you")
    finally:
        context.close()
    assert len(stored_ids(production.database_url)) == before + 1


@dataclass
class Load:
    """Respondents through nginx, each from its own loopback address (the submission limit is per address)."""

    production: Production
    limit: int  # submissions in all, at most
    seconds: float
    acked: list[str] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, respondents: int) -> list[threading.Thread]:
        deadline = time.monotonic() + self.seconds
        per_respondent = self.limit // respondents  # below SUBMIT_RATE_LIMIT (60 a minute per address)
        threads = [threading.Thread(target=self.respondent, args=(f"127.0.0.{10 + n}", per_respondent, deadline,
                                                                  random.Random(n)))
                   for n in range(respondents)]
        for thread in threads:
            thread.start()
        return threads

    def respondent(self, source: str, count: int, deadline: float, rng: random.Random) -> None:
        client = HttpsClient(self.production, source=source)
        path = f"/s/{self.production.token}"
        sent = 0
        while sent < count and time.monotonic() < deadline:
            try:
                page = client.request("GET", path)
                form = parse_form(page.body) if page.status == 200 else None
                if form is None:
                    self.count(page.status)
                    continue
                fields = fill(form, rng)
                sent += 1
                reply = client.request("POST", form.action or path, fields)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.connection_errors += 1
                time.sleep(0.05)
                continue
            self.count(reply.status)
            location = reply.headers.get("Location", "")
            if reply.status == 303 and urlsplit(location).path.endswith("/thanks"):
                with self.lock:
                    self.acked.append(dict(fields)["submission_id"])
                    self.acked_at.append(time.monotonic())

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def test_a_server_killed_under_load_loses_no_acknowledged_answer(production: Production) -> None:
    """SIGKILL one application server (master and workers) while eight respondents submit through nginx: every
    answer a respondent was thanked for is in the database, and the other server takes over at once."""
    load = Load(production, limit=8 * 40, seconds=40)
    started = time.monotonic()
    threads = load.run(respondents=8)
    while len(load.acked) < 40 and time.monotonic() - started < 30:
        time.sleep(0.02)
    assert len(load.acked) >= 40, f"the load did not get going: {load.statuses}"
    victim_posts = sum(line.startswith("POST ") for line in production.logs()[0])
    survivor_before = len(production.logs()[1])
    production.servers[0].kill()
    killed_at = time.monotonic()  # after the victim is reaped: nothing it answers can be acknowledged later
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    time.sleep(0.5)  # the last access log lines are written just after the replies
    stored = stored_ids(production.database_url)
    lost = set(load.acked) - stored
    after_kill = sum(at > killed_at for at in load.acked_at)
    survivor_posts = sum(line.startswith("POST ") for line in production.logs()[1][survivor_before:])
    figures = (f"cross-server crash: {len(load.acked)} submissions acknowledged in "
               f"{time.monotonic() - started:.1f} s ({after_kill} after the SIGKILL), lost {len(lost)}; "
               f"replies by status {dict(sorted(load.statuses.items()))}, connection errors "
               f"{load.connection_errors}; the killed server had taken {victim_posts} submissions, the surviving "
               f"one took {survivor_posts} after the kill")
    print("\n" + figures)
    Path(production.servers[1].log.parent.parent / "crash-figures.txt").write_text(figures + "\n")
    assert not lost, f"lost: {lost}"
    assert victim_posts >= 10, "the killed server was not taking its share of the load: nothing was tested"
    assert after_kill >= 20, figures  # the other server kept serving
    # A reply the victim wrote just before it died may still be read by its respondent's thread a moment after
    # kill() returns: at most one such reply per respondent.
    assert survivor_posts >= after_kill - 8, figures
    assert load.statuses.get(500, 0) == 0, figures
    client = HttpsClient(production, source="127.0.0.3")
    assert [client.request("GET", "/login").status for _ in range(4)] == [200] * 4
