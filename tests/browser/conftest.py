"""Fixtures for the practitioner's page tests: a real `frontdoor serve` and a headless Chromium.

The service is started on a free port (`--port 0`; the port is read from its log) with an audit file
in a temporary directory. Chromium and chromedriver are Debian's (`chromium`, `chromium-driver`); the
tests are skipped (exit 77, which ctest reports as skipped), saying so, only when they are not
installed. Screenshots go to
$FRONTDOOR_ARTIFACTS (ctest sets it to the build tree's browser-artifacts/), never into the repository.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(REPO / "build" / "frontdoor"))
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
DOCUMENT = REPO / "rules" / "exampleshire.yaml"


def _missing_browser() -> str | None:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        return f"chromium or chromedriver not installed ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install selenium (scripts/setup.sh installs it)"
    return None


def pytest_sessionstart(session):
    # Exit code 77: ctest reports the test as skipped (SKIP_RETURN_CODE), with this line saying why.
    why = _missing_browser()
    if why:
        pytest.exit(f"browser tests skipped: {why}", returncode=77)


class Service:
    """A running `frontdoor serve`: its base URL, audit file, and JSON calls with http.client."""

    def __init__(self, port: int, audit: Path, process: subprocess.Popen, log: Path):
        self.port, self.audit, self.process, self.log = port, audit, process, log
        self.url = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = None if body is None else json.dumps(body).encode()
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
            res = conn.getresponse()
            return res.status, json.loads(res.read() or b"null")
        finally:
            conn.close()

    def audit_records(self) -> list[dict]:
        if not self.audit.exists():
            return []
        return [json.loads(line) for line in self.audit.read_text().splitlines() if line.strip()]


def _wait_for_port(log: Path, process: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"listening on http://[^:\s]+:(\d+)", log.read_text(errors="replace") if log.exists() else "")
        if m:
            return int(m.group(1))
        if process.poll() is not None:
            pytest.fail(f"frontdoor serve exited {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    pytest.fail("frontdoor serve did not say which port it listens on within 60 s")


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    # To work on the page against a service you started yourself: FRONTDOOR_SERVE_URL=http://127.0.0.1:PORT
    # and FRONTDOOR_SERVE_AUDIT=its --audit file.
    if os.environ.get("FRONTDOOR_SERVE_URL"):
        port = int(os.environ["FRONTDOOR_SERVE_URL"].rsplit(":", 1)[1].strip("/"))
        yield Service(port, Path(os.environ.get("FRONTDOOR_SERVE_AUDIT", "/nonexistent")), None, None)
        return
    if not os.access(FRONTDOOR, os.X_OK):
        pytest.fail(f"frontdoor binary not found at {FRONTDOOR} (set $FRONTDOOR)")
    work = tmp_path_factory.mktemp("serve")
    audit, log = work / "audit.jsonl", work / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([FRONTDOOR, "serve", str(DOCUMENT), "--port", "0", "--audit", str(audit)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        port = _wait_for_port(log, process)
        svc = Service(port, audit, process, log)
        for _ in range(200):
            try:
                if svc.call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield svc
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-GB"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The browser's clock in the council's zone, so "received" typed as local time means one instant.
    env = dict(os.environ, TZ="Europe/London")
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER, env=env), options=options)
    driver.set_window_size(1280, 1000)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    out = Path(os.environ.get("FRONTDOOR_ARTIFACTS", Path(FRONTDOOR).resolve().parent / "browser-artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    return out
