"""Every YAML block in README.md and docs/, and every document in rules/, is one frontdoor accepts.

A reader copies what the documentation shows, so each ```yaml block is checked as what it is: a
threshold document (`frontdoor: 1`) must pass `frontdoor check` without errors; a column mapping
(`frontdoor_mapping: 1`) must be accepted by `frontdoor convert`; anything else must at least be
YAML whose top-level keys are keys of a threshold document (a fragment of one). The shipped
documents in rules/ must pass `frontdoor check --strict`: not even a warning.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
SCHEMA = json.loads((ROOT / "schema" / "frontdoor.schema.json").read_text())
BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def blocks():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for m in BLOCK.finditer(text):
            line = text[: m.start()].count("\n") + 2
            yield pytest.param(path, line, m.group(1), id=f"{path.relative_to(ROOT)}:{line}")


def run(*args):
    return subprocess.run([FRONTDOOR, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("path,line,text", list(blocks()))
def test_documented_yaml_is_accepted(path, line, text, tmp_path):
    data = yaml.safe_load(text)
    assert isinstance(data, dict), f"{path}:{line}: a YAML block should be a mapping"
    block = tmp_path / "block.yaml"
    block.write_text(text)
    if "frontdoor" in data:
        r = run("check", str(block))
        assert r.returncode == 0, f"{path}:{line}: frontdoor check found errors:\n{r.stdout}{r.stderr}"
    elif "frontdoor_mapping" in data:
        contacts = tmp_path / "none.jsonl"
        contacts.write_text("")
        r = run("convert", "--to", str(block), str(contacts))
        assert r.returncode == 0, f"{path}:{line}: frontdoor convert refused the mapping: {r.stderr}"
    else:
        allowed = set(SCHEMA["properties"])
        assert set(data) <= allowed, f"{path}:{line}: keys a threshold document does not have: {set(data) - allowed}"


@pytest.mark.parametrize("document", sorted((ROOT / "rules").glob("**/*.yaml")), ids=lambda p: p.name)
def test_shipped_documents_are_clean_under_strict(document):
    r = run("check", "--strict", str(document))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


def test_the_test_sees_blocks():
    # The README's example document and the docs' blocks are found (a broken pattern would pass vacuously).
    found = list(blocks())
    assert any(p.values[0].name == "README.md" for p in found) and len(found) >= 3
