"""`frontdoor serve` (SPEC section 8): every request, the same bytes as the command line, hostile
requests, the token, the log's privacy, reload on SIGHUP, and the examples in examples/service/."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import DOC, FRONTDOOR, ROOT

CONTACT = json.loads((ROOT / "examples" / "contact.json").read_text())
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def without_id(body: bytes) -> tuple[bytes, str]:
    """The answer without the decision_id the service adds (always its last member)."""
    m = re.search(rb',"decision_id":"([^"]+)"}$', body)
    assert m, body[-80:]
    return body[:m.start()] + b"}", m.group(1).decode()


def cli_decide(rows: list[str], tmp_path) -> bytes:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(r + "\n" for r in rows))
    out = subprocess.run([FRONTDOOR, "decide", str(DOC), str(src)], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


def still_answers(server):
    status, _, body = server.request("GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def error_of(body: bytes) -> dict:
    e = json.loads(body)["error"]
    assert set(e) == {"code", "message", "field"}
    return e


# --- every request ---------------------------------------------------------------------------------

def test_decide_gives_the_command_lines_bytes(server, tmp_path):
    body = json.dumps(CONTACT)
    status, headers, answer = server.post_json("/v1/decide", body)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    decision, decision_id = without_id(answer)
    assert UUID.match(decision_id)
    assert decision + b"\n" == cli_decide([body], tmp_path)
    assert json.loads(answer)["document"]["sha256"] == server.sha() == headers["X-Frontdoor-Document-Sha256"]
    _, _, again = server.post_json("/v1/decide", body)
    assert without_id(again)[1] != decision_id  # a fresh id each time


def test_explain_has_trace_referrer_and_id(server):
    status, _, answer = server.post_json("/v1/explain", json.dumps(CONTACT))
    assert status == 200
    ex = json.loads(answer)
    assert ex["outcome"] == "s47_strategy" and ex["trace"] and UUID.match(ex["decision_id"])
    assert ex["referrer"]["outcome"] == "s47_strategy"
    assert "reasons" not in ex["referrer"]  # the referrer is told the outcome, not why


def test_decisions_is_the_batch_engine(server, tmp_path):
    rows = (ROOT / "examples" / "contacts-2026.jsonl").read_text().splitlines()[:3000]
    status, headers, answer = server.request("POST", "/v1/decisions", "".join(r + "\n" for r in rows),
                                             {"Content-Type": "application/x-ndjson"})
    assert status == 200 and headers["Content-Type"] == "application/x-ndjson"
    assert answer == cli_decide(rows, tmp_path)


def test_records_are_replayable_audit_records(server):
    _, _, decided = server.post_json("/v1/decide", json.dumps(CONTACT))
    decision_id = json.loads(decided)["decision_id"]
    record = dict(CONTACT, recorded_outcome="single_assessment", decision_id=decision_id)
    status, _, answer = server.post_json("/v1/records", json.dumps(record))
    assert status == 201, answer
    written = server.audit_path.read_text().splitlines()
    assert json.loads(written[-1]) == json.loads(answer)
    assert json.loads(answer)["decision_id"] == decision_id
    assert json.loads(answer)["contact"]["recorded_outcome"] == "single_assessment"
    replay = subprocess.run([FRONTDOOR, "replay", str(DOC), str(server.audit_path)], capture_output=True, text=True)
    assert replay.returncode == 0, replay.stdout + replay.stderr


def test_records_with_an_override_reason(server):
    # SPEC 7.8: the worker records another outcome than the document's, with a declared reason.
    status, _, decided = server.post_json("/v1/decide", json.dumps(CONTACT))
    ours = json.loads(decided)["outcome"]
    other = "advice" if ours != "advice" else "early_help"
    record = dict(CONTACT, recorded_outcome=other, override_reason="strengths")
    status, _, answer = server.post_json("/v1/records", json.dumps(record))
    assert status == 201, answer
    saved = json.loads(answer)
    assert saved["contact"]["override_reason"] == "strengths" and saved["contact"]["recorded_outcome"] == other
    assert saved["decision"]["override"]["outcome"] == other and saved["decision"]["override"]["reason"] == "strengths"
    assert json.loads(server.audit_path.read_text().splitlines()[-1]) == saved


@pytest.mark.parametrize("change,field", [({"recorded_outcome": "no_such_outcome"}, "recorded_outcome"),
                                          ({"recorded_outcome": None}, "recorded_outcome"),
                                          ({"override_reason": "no_such_reason"}, "override_reason"),
                                          ({"override_reason": ["strengths"]}, "override_reason"),
                                          ({"decision_id": "not-a-uuid"}, "decision_id")])
def test_records_refuse_bad_records(server, change, field):
    before = server.audit_path.read_text() if server.audit_path.exists() else ""
    record = {**CONTACT, "recorded_outcome": "advice", **change}
    status, _, answer = server.post_json("/v1/records", json.dumps(record))
    assert status == 400 and error_of(answer)["field"] == field
    assert "no_such_outcome" not in answer.decode() and "no_such_reason" not in answer.decode()
    assert (server.audit_path.read_text() if server.audit_path.exists() else "") == before


def test_document_for_forms(server):
    status, _, answer = server.request("GET", "/v1/document")
    assert status == 200
    doc = json.loads(answer)
    assert doc["id"] == "exampleshire" and doc["sha256"] == server.sha()
    assert [l["id"] for l in doc["levels"]] == ["universal", "early_help", "complex", "acute"]
    assert doc["domains"] and doc["concerns"][0]["levels"] and doc["fields"][0]["type"]
    assert doc["outcomes"]
    assert [(r["id"], r["text"]) for r in doc["override_reasons"]] == [
        ("strengths", "Family strengths and support reduce the risk"),
        ("new_information", "Information received after the contact changes the picture"),
        ("manager_judgement", "Team manager's judgement, recorded on the case")]


def test_health_metrics_and_page(server):
    still_answers(server)
    server.post_json("/v1/decide", json.dumps(CONTACT))
    status, headers, text = server.request("GET", "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = text.decode()
    assert f'sha256="{server.sha()}"' in text
    assert re.search(r'frontdoor_requests_total\{path="/v1/decide",status="200"\} [1-9]', text)
    assert re.search(r'frontdoor_decisions_total\{result="decided"\} [1-9]', text)
    assert 'frontdoor_request_duration_seconds_bucket{le="+Inf"}' in text
    status, headers, page = server.request("GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"] and b"<html" in page
    status, _, _ = server.request("GET", "/static/index.html")
    assert status == 200


# --- hostile requests ------------------------------------------------------------------------------

@pytest.mark.parametrize("body,code", [
    (b'{"id": "C-1", "received": ', "unreadable"),
    (b"[" * 10000 + b"]" * 10000, "too_deep"),
    (b'{"id": "C-\xff\xfe", "received": "2026-05-04T10:00:00Z"}', "invalid_utf8"),
    (b'{"id": "C-\xed\xa0\x80"}', "invalid_utf8"),
    (b"[1, 2, 3]", None),
])
def test_bad_bodies_get_400(server, body, code):
    for path in ("/v1/decide", "/v1/explain"):
        status, _, answer = server.post_json(path, body)
        assert status == 400
        if code:
            assert error_of(answer)["code"] == code
    still_answers(server)


def test_a_bad_contact_names_the_field_not_the_value(server):
    status, _, answer = server.post_json("/v1/decide", json.dumps(dict(CONTACT, received="MARKER-VALUE-7731")))
    assert status == 400
    e = error_of(answer)
    assert e["field"] == "received" and "MARKER" not in answer.decode()


def test_oversized_bodies_get_413(server):
    big = b'{"id": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    status, _, answer = server.post_json("/v1/decide", big)
    assert status == 413 and error_of(answer)["code"] == "payload_too_large"
    still_answers(server)


def test_wrong_content_type_method_and_path(server):
    status, _, answer = server.request("POST", "/v1/decide", json.dumps(CONTACT), {"Content-Type": "text/plain"})
    assert status == 415 and error_of(answer)
    status, _, _ = server.request("POST", "/v1/decisions", json.dumps(CONTACT), {"Content-Type": "application/json"})
    assert status == 415
    status, headers, _ = server.request("GET", "/v1/decide")
    assert status == 405 and headers["Allow"] == "POST"
    status, _, _ = server.request("DELETE", "/v1/document")
    assert status == 405
    status, _, answer = server.request("GET", "/v2/nothing")
    assert status == 404 and error_of(answer)["code"] == "not_found"
    still_answers(server)


def raw(server, data: bytes, timeout=10) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%252e%252e/etc/passwd",
                                  "/../../etc/passwd", "/static//etc/passwd", "/static/..\\..\\etc\\passwd"])
def test_path_traversal_reaches_nothing(server, path):
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 404) and b"root:" not in answer
    still_answers(server)


def test_slow_client_gets_408_and_others_are_served(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
        s.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        still_answers(server)  # while the slow one holds a worker
        try:
            for _ in range(20):  # a header byte every 0.3 s: never finishes in the 2 s allowed
                s.sendall(b"X")
                time.sleep(0.3)
        except OSError:
            pass  # the service closed on us
        answer = s.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert time.monotonic() - start < 8
    still_answers(server)


# --- tokens ----------------------------------------------------------------------------------------

def test_token_file_on_localhost(start, tmp_path):
    token = tmp_path / "token"
    token.write_text("s3cret-token-0123456789abcdef\n")
    s = start("--token-file", str(token))
    body = json.dumps(CONTACT)
    assert s.post_json("/v1/decide", body)[0] == 401
    status, headers, answer = s.post_json("/v1/decide", body, {"Authorization": "Bearer wrong-token-0123456789abcdef"})
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer" and error_of(answer)["code"] == "unauthorized"
    assert s.post_json("/v1/decide", body, {"Authorization": "Basic czNjcmV0"})[0] == 401
    assert s.request("GET", "/metrics")[0] == 401
    assert s.post_json("/v1/decide", body, {"Authorization": "Bearer s3cret-token-0123456789abcdef"})[0] == 200
    assert s.request("GET", "/healthz")[0] == 200  # liveness needs no token


def test_non_local_bind_needs_a_token(tmp_path):
    out = subprocess.run([FRONTDOOR, "serve", str(DOC), "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and "--token-file" in out.stderr


# --- privacy of the log ----------------------------------------------------------------------------

def test_the_log_holds_no_contact(start, tmp_path):
    s = start("--audit", str(tmp_path / "audit.jsonl"))
    marker = "ZQXMARKER"
    contact = dict(CONTACT, id=f"{marker}-1", child=f"{marker}-child")
    s.post_json("/v1/decide", json.dumps(contact))
    s.post_json("/v1/explain", json.dumps(contact))
    s.post_json("/v1/records", json.dumps(dict(contact, recorded_outcome="advice")))
    s.request("POST", "/v1/decisions", json.dumps(contact) + "\n", {"Content-Type": "application/x-ndjson"})
    s.post_json("/v1/decide", json.dumps(dict(contact, dob=f"{marker}-dob")))  # rejected
    s.request("GET", f"/{marker}")
    log = s.log()
    assert "POST /v1/decide 200" in log and "POST /v1/records 201" in log
    assert marker not in log


# --- audit write failure ---------------------------------------------------------------------------

def test_a_failed_audit_write_is_507(start):
    s = start("--audit", "/dev/full")
    status, _, answer = s.post_json("/v1/records", json.dumps(dict(CONTACT, recorded_outcome="advice")))
    assert status == 507 and error_of(answer)["code"] == "audit_write_failed"
    assert s.post_json("/v1/decide", json.dumps(CONTACT))[0] == 200


def test_records_without_audit_file(start):
    s = start()
    status, _, answer = s.post_json("/v1/records", json.dumps(dict(CONTACT, recorded_outcome="advice")))
    assert status == 404 and error_of(answer)["code"] == "no_audit_file"


# --- reload ----------------------------------------------------------------------------------------

def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_sighup_reloads_a_good_document_and_refuses_a_broken_one(start, tmp_path):
    doc = tmp_path / "council.yaml"
    shutil.copy(DOC, doc)
    s = start(doc=doc)
    first = s.sha()
    doc.write_text(DOC.read_text().replace("levels:", "levelz:", 1))
    s.hup()
    assert wait_for(lambda: "SIGHUP: document refused" in s.log())
    assert s.sha() == first
    assert s.post_json("/v1/decide", json.dumps(CONTACT))[0] == 200
    doc.write_text(DOC.read_text() + "\n# edited\n")
    s.hup()
    assert wait_for(lambda: s.sha() != first)
    _, _, answer = s.post_json("/v1/decide", json.dumps(CONTACT))
    assert json.loads(answer)["document"]["sha256"] == s.sha()


# --- the examples ----------------------------------------------------------------------------------

def test_examples_run(server):
    url = f"http://127.0.0.1:{server.port}"
    out = subprocess.run(["python3", str(ROOT / "examples" / "service" / "client.py"), url, str(ROOT / "examples" / "contact.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "s47_strategy" in out.stdout and "batch:" in out.stdout
    if shutil.which("curl"):
        out = subprocess.run(["bash", str(ROOT / "examples" / "service" / "curl.sh"), url], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert '"decision_id"' in out.stdout
