"""Data protection: errors and logs never repeat a contact's field values.

Contacts whose values are distinctive strings ("Jane Doe 12 Acacia Ave ...") go into every field,
every concern and level, every history item, in JSON Lines and CSV, through `decide`, `explain`,
`stats` and `diff`. Every error string and every line on stderr may name the contact (its id) and
the field or concern at fault, and nothing else the contact carried.
"""
import csv
import io
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
DOC = ROOT / "rules" / "exampleshire.yaml"
RECEIVED = "2026-05-04T10:00:00Z"

# Personal data as it turns up in case systems: names, addresses, dates of birth, phone numbers,
# NHS numbers, free-text notes. Each is unmistakable in any output.
SECRETS = [
    "Jane Doe 12 Acacia Ave",
    "Flat 3, 7 Mill Lane, Exampletown EX1 2AB",
    "07700 900123",
    "NHS 943 476 5919",
    "mum says dad hit him",
    "JaneDoe",                # shaped like an id: it may be repeated only as an unknown concern or level
    "2011-13-45",             # a date that is not one
    "Ωμέγα Ünïcødé",
]
WORDS = ["Jane", "Acacia", "Mill Lane", "900123", "943 476", "dad hit", "Ωμέγα", "2011-13-45"]


def run(*args, stdin=None):
    p = subprocess.run([FRONTDOOR, *map(str, args)], input=stdin, capture_output=True, timeout=60)
    assert p.returncode in (0, 1), (p.returncode, p.stderr.decode(errors="replace")[-2000:])
    return p.stdout.decode(), p.stderr.decode()


def base(i):
    return {"id": f"P-{i}", "child": "K-1", "received": RECEIVED, "concerns": {"domestic_abuse": "complex"}}


def hostile_contacts():
    """One contact per (place, secret): each puts one secret in one place and is otherwise valid."""
    fields = ["child", "received", "dob", "source", "channel", "unborn", "consent", "open_case", "disabled",
              "police_protection", "telling_family_raises_risk", "decided",
              # SPEC 7.8: what the front door recorded, and why it differs
              "recorded_outcome", "override_reason"]
    out = []
    n = 0
    for secret in SECRETS:
        for f in fields:
            c = base(n)
            c[f] = secret
            out.append(c)
            n += 1
        for shape in ("concern", "level", "both"):
            c = base(n)
            c["concerns"] = {secret: "acute"} if shape == "concern" else {"domestic_abuse": secret} if shape == "level" else {secret: secret}
            out.append(c)
            n += 1
        for key in ("received", "outcome", "referral", "concern", "level"):
            c = base(n)
            item = {"received": "2026-05-01T10:00:00Z", "concerns": {"domestic_abuse": "complex"}, "outcome": "advice"}
            if key == "concern":
                item["concerns"] = {secret: "acute"}
            elif key == "level":
                item["concerns"] = {"domestic_abuse": secret}
            else:
                item[key] = secret
            c["history"] = [item]
            out.append(c)
            n += 1
        # Wrong types carrying the secret: lists, objects.
        for f in ("consent", "source", "history", "concerns", "recorded_outcome", "override_reason"):
            c = base(n)
            c[f] = [secret, {"x": secret}]
            out.append(c)
            n += 1
        c = base(n)
        c["concerns"] = secret  # the CSV form, "a=level;b=level", given free text
        out.append(c)
        n += 1
        c = base(n)
        c["concerns"] = f"{secret}={secret};domestic_abuse=complex"
        out.append(c)
        n += 1
    return out


def allowed(text, contact_id, secret):
    """Text may carry the secret only where it is the contact's id, or an id-shaped concern/level."""
    return secret == contact_id or (secret == "JaneDoe" and "JaneDoe" in text)


def leaks(text, contact_ids=()):
    found = []
    for w in WORDS:
        if w in text and not any(w in cid for cid in contact_ids):
            found.append(w)
    return found


@pytest.fixture(scope="module")
def contacts(tmp_path_factory):
    d = tmp_path_factory.mktemp("privacy")
    rows = hostile_contacts()
    jl = d / "contacts.jsonl"
    jl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    # CSV: every column the JSON rows use, with history and concerns in their CSV forms.
    cols = sorted({k for r in rows for k in r})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for r in rows:
        cells = []
        for k in cols:
            v = r.get(k)
            if k == "concerns" and isinstance(v, dict):
                v = ";".join(f"{a}={b}" for a, b in v.items())
            elif isinstance(v, (list, dict)):
                v = json.dumps(v, ensure_ascii=False)
            cells.append("" if v is None else v)
        w.writerow(cells)
    # One more row with the secret as a field name (a column): that is a name, not a value.
    cv = d / "contacts.csv"
    cv.write_text(buf.getvalue())
    return rows, jl, cv


def test_every_secret_is_rejected_without_being_repeated(contacts):
    rows, jl, cv = contacts
    for path in (jl, cv):
        out, err = run("decide", DOC, path)
        decisions = [json.loads(l) for l in out.splitlines()]
        assert len(decisions) == len(rows)
        rejected = 0
        for d, r in zip(decisions, rows):
            assert d["contact"] == r["id"]
            if d["error"] is None:
                continue
            rejected += 1
            bad = [w for w in leaks(d["error"]) if not (w == "Jane" and "'JaneDoe'" in d["error"])]
            assert not bad, f"{path.name}: error for {r['id']} repeats {bad}: {d['error']}"
        assert rejected >= len(rows) * 0.8  # nearly every row puts a bad value somewhere
        assert not leaks(err), err


def test_decided_rows_do_not_echo_values(contacts):
    # A decided contact's JSON carries the decision and the document's words, never its inputs.
    rows, jl, _ = contacts
    out, _ = run("decide", DOC, jl)
    for line in out.splitlines():
        d = json.loads(line)
        if d["error"] is None:
            text = json.dumps({k: v for k, v in d.items() if k != "contact"}, ensure_ascii=False)
            assert not leaks(text), text


def test_explain_and_figures(contacts, tmp_path):
    rows, jl, cv = contacts
    for r in rows[:40]:
        p = tmp_path / "one.json"
        p.write_text(json.dumps(r, ensure_ascii=False))
        out, err = run("explain", DOC, p)
        assert not leaks(err), err
        if "Rejected:" in out:
            reason = out.split("Rejected:", 1)[1]
            assert not [w for w in leaks(reason) if not (w == "Jane" and "'JaneDoe'" in reason)], reason
        out, err = run("explain", DOC, p, "--format", "json")
        assert not leaks(err), err
    for path in (jl, cv):
        for cmd in (("stats", DOC, path, "--format", "json"), ("diff", DOC, DOC, path, "--format", "json")):
            out, err = run(*cmd)
            assert not leaks(err), err
            assert not [w for w in leaks(out) if w != "Jane" or "JaneDoe" not in out], out[-2000:]


def test_secrets_in_ids_and_names_are_allowed(tmp_path):
    # The contact's own id is repeated (that is how a row is found); a field named with the secret is
    # the name of the field at fault. Both are shown, and nothing else is.
    p = tmp_path / "ids.jsonl"
    p.write_text(json.dumps({"id": "Jane Doe 12 Acacia Ave", "received": RECEIVED, "consent": "mum says dad hit him"}) + "\n"
                 + json.dumps({"id": "C2", "received": RECEIVED, "Jane Doe 12 Acacia Ave": "NHS 943 476 5919"}) + "\n")
    out, err = run("decide", DOC, p)
    a, b = [json.loads(l) for l in out.splitlines()]
    assert a["contact"] == "Jane Doe 12 Acacia Ave" and a["error"].startswith("consent:") and "dad" not in a["error"]
    assert b["error"].startswith("Jane Doe 12 Acacia Ave: unknown field") and "943" not in b["error"]
    assert not leaks(err)


def test_document_diagnostics_do_not_echo_contacts(tmp_path):
    # A worked example whose contact is rejected: the FD301 message names the field, not the value.
    text = DOC.read_text().replace("\ntests:\n", "\ntests:\n  - name: private\n    contact: {received: \"2026-06-01T10:00:00Z\", "
                                   "consent: \"Jane Doe 12 Acacia Ave\"}\n    expect: {level: universal}\n", 1)
    p = tmp_path / "doc.yaml"
    p.write_text(text)
    proc = subprocess.run([FRONTDOOR, "check", p], capture_output=True, timeout=120)
    out = proc.stdout.decode() + proc.stderr.decode()
    assert "FD301" in out
    # The worked example's own source line is shown under the finding (it is the document's text);
    # the message itself does not repeat the value.
    for line in out.splitlines():
        if "[FD301]" in line:
            assert "Acacia" not in line, line
