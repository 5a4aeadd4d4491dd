"""`frontdoor render DOC -o continuum.html` (SPEC section 8): the document as councils publish it.

Checks the page against the document itself (read with PyYAML): every level, domain and concern
text is there, every text from the document is escaped, and nothing is loaded from anywhere else.
"""

from __future__ import annotations

import html
import html.parser
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", "/work/main/build/frontdoor")

pytestmark = pytest.mark.skipif(not os.access(FRONTDOOR, os.X_OK),
                                reason=f"frontdoor binary not found at {FRONTDOOR} (set $FRONTDOOR)")


def render(doc: Path, tmp_path: Path) -> str:
    out = tmp_path / "continuum.html"
    r = subprocess.run([FRONTDOOR, "render", str(doc), "-o", str(out)], capture_output=True, text=True, cwd=REPO,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return out.read_text(encoding="utf-8")


class Page(html.parser.HTMLParser):
    """The text a reader sees (entities decoded), and every attribute that could load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.in_style = False
        self.style = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data") and value:
                self.urls.append(value)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    return p


def words(s: str) -> str:
    return " ".join(s.split())


def test_render_shows_every_level_domain_and_descriptor(tmp_path):
    page = render(REPO / "rules/exampleshire.yaml", tmp_path)
    doc = yaml.safe_load((REPO / "rules/exampleshire.yaml").read_text())
    seen = words(" ".join(parse(page).text))
    for level in doc["levels"]:
        assert words(level["name"]) in seen
    for concern in doc["concerns"].values():
        assert concern["domain"].replace("_", " ").capitalize() in seen
        for text in concern["levels"].values():
            assert words(text) in seen, text
    for rule in doc["rules"]:
        assert rule["id"] in seen
        if "because" in rule:
            assert words(rule["because"]) in seen
    for entry in doc["routing"]:
        assert entry["id"] in seen
    assert "within 4 working hours" in seen and "within 1 working day" in seen
    # Conditions in words, beside the expression as written.
    assert ("The child's age in months is under 6 and (the contact has Unexplained injury or the contact has "
            "Physical abuse at Level 3: Complex needs or above).") in seen
    assert "The level reached so far is Level 2: Early help and not (the family agrees to early help)." in seen
    assert "The open case is one of \u201ccin\u201d, \u201ccp_plan\u201d or \u201ccla\u201d" in seen
    assert "Monday to Friday, Europe/London time" in seen


def test_render_is_self_contained_and_printable(tmp_path):
    page = render(REPO / "rules/exampleshire.yaml", tmp_path)
    p = parse(page)
    assert p.urls == [], p.urls
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not re.search(r"https?://|//[a-z]", p.style + page.split("</style>")[0]), "nothing from another origin"
    assert "@media print" in p.style
    assert page.startswith("<!doctype html>") and 'lang="en-GB"' in page


HOSTILE = """\
frontdoor: 1
id: hostile
title: "Tom & Jerry's <script>alert(1)</script> continuum"
levels:
  - {id: low, name: "Low <b>need</b>", route: advice}
  - {id: mid, route: advice}
  - {id: high, name: "High \\"need\\"", route: act}
outcomes:
  advice: {name: "Advice & <i>signposting</i>", category: nfa, decide_within: 2 working days}
  act: {category: s47, referral: true, decide_within: 4 working hours}
calendar: {preset: england-and-wales}
concerns:
  injury: {domain: child_development, levels: {low: "Bruise <img src=x onerror=alert(1)>", high: "It's \\"serious\\" & unexplained"}}
rules:
  - {id: r1, when: 'concern_at_least("injury", "high") && unborn == false', raise_to: high, because: "A < B && C > D"}
tests:
  - {name: t, contact: {received: "2026-05-04T10:00:00Z", concerns: {injury: high}}, expect: {outcome: act}}
"""


def test_render_escapes_every_text(tmp_path):
    doc = tmp_path / "hostile.yaml"
    doc.write_text(HOSTILE)
    page = render(doc, tmp_path)
    p = parse(page)
    assert "script" not in p.tags and "img" not in p.tags and "b" not in p.tags and "i" not in p.tags
    assert p.urls == []
    seen = words(" ".join(p.text))
    for text in ["Tom & Jerry's <script>alert(1)</script> continuum", "Low <b>need</b>", 'High "need"',
                 "Advice & <i>signposting</i>", "Bruise <img src=x onerror=alert(1)>",
                 "It's \"serious\" & unexplained", "A < B && C > D", 'concern_at_least("injury", "high")',
                 'The contact has Injury at High "need" or above and not (the child is unborn).']:
        assert text in seen, text
    assert "&lt;script&gt;" in page and "&amp;&amp;" in page and "&quot;serious&quot;" in page
    assert "England and Wales" in seen


def test_render_refuses_a_broken_document(tmp_path):
    doc = tmp_path / "broken.yaml"
    doc.write_text("frontdoor: 1\nid: x\nlevels: 3\n")
    out = tmp_path / "continuum.html"
    r = subprocess.run([FRONTDOOR, "render", str(doc), "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "broken.yaml:3" in r.stderr
    assert not out.exists()
