"""The README's production setup on one machine, for tests: a self-signed certificate, ``redis-server``, gunicorn
servers started with the README's command from a copy of ``deploy/wsgi.py``, and Debian's nginx running
``deploy/nginx.conf`` — everything on 127.0.0.1, in a temporary folder, stopped by the test that started it.

The README's command and the site file are read from the repository and changed only where a test must differ:
ports, certificate paths, upstream addresses and the number of workers. Each change must match exactly once, so
an edit of the README or of ``deploy/nginx.conf`` that the test no longer follows makes it fail, not drift.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
DEPLOY = ROOT / "deploy"
TOOLS = ("nginx", "redis-server", "openssl")


def tool(name: str) -> str | None:
    """Where a program is: on PATH, or in /usr/sbin (nginx), which is not on every user's PATH."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {timeout} s:\n{log.read_text()}")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} exactly once in the deployed file"
    return text.replace(old, new)


def readme_gunicorn_command() -> list[str]:
    """The gunicorn command line of the README's production section."""
    commands = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("gunicorn ")]
    assert len(commands) == 1, commands
    return shlex.split(commands[0])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and localhost (openssl), valid for a day."""
    certificate, key = folder / "server.pem", folder / "server.key"
    subprocess.run([tool("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    return certificate, key


@dataclass
class Process:
    """A program in its own process group (so a test can SIGKILL it with all its children), logging to a file."""

    command: list[str]
    log: Path
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env={**os.environ, **self.env},
                                            start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
        return self.process

    def kill(self) -> None:
        """SIGKILL the program and its children at once: a power cut or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def redis_server(folder: Path, port: int) -> Process:
    server = Process([tool("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(port),
                      "--save", "", "--appendonly", "no", "--dir", str(folder)], folder / "redis.log", folder)
    wait_for_port(port, server.start(), server.log)
    return server


def app_server(folder: Path, name: str, port: int, workers: int, environment: dict[str, str]) -> Process:
    """The README's gunicorn command, with this port and number of workers, in a folder holding deploy/wsgi.py."""
    home = folder / name
    home.mkdir()
    shutil.copy(DEPLOY / "wsgi.py", home / "wsgi.py")
    command = readme_gunicorn_command()
    command[command.index("--workers") + 1] = str(workers)
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    if not os.path.isdir("/dev/shm"):
        command[command.index("--worker-tmp-dir") + 1] = str(home)
    # gunicorn of this Python, and the package under test ahead of any installed copy
    command = [sys.executable, "-m", "gunicorn", *command[1:]]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    server = Process(command, home / "gunicorn.log", home, {**environment, "PYTHONPATH": path})
    wait_for_port(port, server.start(), server.log)
    return server


def nginx(folder: Path, https_port: int, http_port: int, upstream_ports: list[int],
          certificate: tuple[Path, Path]) -> Process:
    """Debian's nginx running deploy/nginx.conf, moved to 127.0.0.1 ports, this certificate and these servers."""
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "/etc/ssl/certs/khaosat.example.gov.vn.pem", str(certificate[0]))
    site = replace_once(site, "/etc/ssl/private/khaosat.example.gov.vn.key", str(certificate[1]))
    servers = re.findall(r"^    server 10\.0\.0\.\d+:8000;$", site, flags=re.MULTILINE)
    assert len(servers) == len(upstream_ports), servers
    for line, port in zip(servers, upstream_ports, strict=True):
        site = replace_once(site, line, f"    server 127.0.0.1:{port};")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    # The main file Debian's /etc/nginx/nginx.conf would be, reduced to what a test needs; one worker, so that
    # the round robin is one sequence the test can read.
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'nginx-error.log'} warn;\n"
        + "events { worker_connections 256; }\n"
        + f"http {{\n  {temp}\n  include {folder / 'site.conf'};\n}}\n", encoding="utf-8")
    server = Process([tool("nginx") or "nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"),
                      "-g", "daemon off;"], folder / "nginx.log", folder)
    wait_for_port(https_port, server.start(), server.log)
    return server
