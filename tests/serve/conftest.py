"""A real `frontdoor serve` on a free port, for the service's tests ($FRONTDOOR is the binary)."""
from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
DOC = ROOT / "rules" / "exampleshire.yaml"


class Server:
    def __init__(self, *args, doc=DOC, tmp: Path):
        self.log_path = tmp / f"serve-{time.monotonic_ns()}.log"
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen([FRONTDOOR, "serve", str(doc), "--port", "0", *args], stderr=self.log_file,
                                     stdout=subprocess.DEVNULL)
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 60  # check's proofs run before the service listens
        while time.monotonic() < deadline:
            m = re.search(r"listening on http://[^:]+:(\d+)", self.log())
            if m:
                return int(m.group(1))
            if self.proc.poll() is not None:
                raise RuntimeError(f"frontdoor serve exited {self.proc.returncode}: {self.log()}")
            time.sleep(0.05)
        raise RuntimeError("frontdoor serve did not start")

    def log(self) -> str:
        return self.log_path.read_bytes().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def post_json(self, path, body, headers=None):
        h = {"Content-Type": "application/json", **(headers or {})}
        return self.request("POST", path, body, h)

    def sha(self) -> str:
        import json
        status, _, body = self.request("GET", "/healthz")
        assert status == 200
        return json.loads(body)["document"]["sha256"]

    def hup(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


@pytest.fixture
def start(tmp_path):
    servers = []

    def make(*args, doc=DOC):
        s = Server(*args, doc=doc, tmp=tmp_path)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    s = Server("--audit", str(tmp / "audit.jsonl"), "--header-timeout", "2", tmp=tmp)
    s.audit_path = tmp / "audit.jsonl"
    yield s
    s.stop()
    assert s.proc.returncode == 0, s.log()
