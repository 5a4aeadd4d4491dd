"""The practitioner's page (SPEC section 8) in a real Chromium against a real `frontdoor serve`.

A worker selects descriptors by keyboard and by mouse, reads the decision from the page, and records
it; the page's decision is the service's `/v1/decide` decision for the same contact, and the record
is in the audit file. Then an accessibility check of our own (labels, ids, headings, contrast, focus)
and screenshots at 320 and 1280 px.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

RECEIVED_LOCAL = "2026-05-05T10:30"  # a Tuesday in BST: 09:30Z
RECEIVED_UTC = "2026-05-05T09:30:00Z"


def wait(driver, what, timeout=20):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(what)


def decided(driver):
    """Waits for the page to settle on a decision: no change pending, no request out, the panel shown."""
    wait(driver, lambda d: d.execute_script("return window.frontdoorPage && window.frontdoorPage.settled()"))
    return driver.find_element(By.ID, "decision-status").text


def click(driver, css):
    """A mouse click on what a worker would scroll to: into the middle of the screen, clear of the
    decision bar at the foot of a phone's screen."""
    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return element


def set_value(driver, element_id, value):
    """Sets a date or time input as the browser's picker would, then tells the page it changed."""
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));",
        element_id, value)


def open_page(driver, service, width=1280):
    driver.set_window_size(width, 1000)
    driver.get(service.url + "/")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#continuum fieldset.concern"))
    set_value(driver, "f-received", RECEIVED_LOCAL)
    decided(driver)


def page_decision(driver):
    reasons = []
    for li in driver.find_elements(By.CSS_SELECTOR, "#d-reasons li"):
        quote = li.find_element(By.CSS_SELECTOR, ".reason__quote").text.strip("\u201c\u201d\"")
        ref = li.find_element(By.CSS_SELECTOR, ".line-ref").text
        reasons.append((quote, ref))
    return {
        "level": driver.find_element(By.ID, "d-level").text,
        "outcome": driver.find_element(By.ID, "d-outcome").text,
        "deadline": driver.find_element(By.ID, "d-deadline").text,
        "actions": [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#d-actions li")],
        "reasons": reasons,
        "referrer": driver.execute_script("return document.getElementById('d-referrer').textContent"),
    }


def expected_view(service, contact):
    """The service's own decision for the contact, in the words the page should show."""
    status, doc = service.call("GET", "/v1/document")
    assert status == 200
    status, d = service.call("POST", "/v1/decide", contact)
    assert status == 200, d
    levels = {l["id"]: l["name"] for l in doc["levels"]}
    outcomes = {o["id"]: o["name"] for o in doc["outcomes"]}
    local = dt.datetime.fromisoformat(d["deadline"].replace("Z", "+00:00")).astimezone(zoneinfo.ZoneInfo(doc["timezone"]))
    return d, {
        "level": levels[d["level"]],
        "outcome": outcomes[d["outcome"]] + (" (a referral)" if d["referral"] else ""),
        "deadline_day": f"{local.day} {local:%B %Y}, {local:%H:%M}",
        "actions": [doc["actions"][a] for a in d["actions"]],
        "reasons": [(r["text"], r["id"], int(r["at"].rsplit(":", 2)[1])) for r in d["reasons"]],
    }


def assert_same_decision(shown, want):
    assert shown["level"] == want["level"]
    assert shown["outcome"] == want["outcome"]
    assert want["deadline_day"] in shown["deadline"], (shown["deadline"], want["deadline_day"])
    assert shown["actions"] == want["actions"]
    assert len(shown["reasons"]) == len(want["reasons"])
    for (quote, ref), (text, rid, line) in zip(shown["reasons"], want["reasons"]):
        assert quote == text
        assert ref == f"{rid}, document line {line}"


def active_id(driver):
    return driver.execute_script("return document.activeElement && document.activeElement.id")


def tab_to(driver, element_id, limit=600):
    """Tabs from the top of the page until `element_id` has focus: it is in the tab order, no trap before it."""
    driver.find_element(By.TAG_NAME, "body").click()
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(limit):
        if active_id(driver) == element_id:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    pytest.fail(f"#{element_id} not reached in {limit} tabs")


def test_keyboard_selection_matches_decide(browser, service):
    open_page(browser, service)
    # The domestic abuse group is reached by Tab (its checked "Not present" radio takes focus), and
    # the arrow keys move along its descriptors as in any radio group: early help, then complex.
    tab_to(browser, "c-domestic_abuse-none")
    focused = browser.switch_to.active_element
    assert focused.value_of_css_property("outline-style") != "none" or focused.value_of_css_property("box-shadow") != "none"
    focused.send_keys(Keys.ARROW_RIGHT)
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert active_id(browser) == "c-domestic_abuse-complex"
    # The child's source by keyboard too: police.
    tab_to(browser, "f-source")
    Select(browser.find_element(By.ID, "f-source")).select_by_value("6")
    status = decided(browser)
    contact = {"id": browser.find_element(By.ID, "f-id").get_attribute("value"), "received": RECEIVED_UTC,
               "source": "6", "concerns": {"domestic_abuse": "complex"}}
    d, want = expected_view(service, contact)
    shown = page_decision(browser)
    assert_same_decision(shown, want)
    assert want["outcome"].split(" (")[0] in status  # the live region says it too
    assert "what happens next" in shown["referrer"]


def test_mouse_selection_baby_injury(browser, service):
    open_page(browser, service)
    click(browser, "label[for=f-age-known]")
    set_value(browser, "f-dob", "2026-03-01")
    click(browser, "label[for=c-physical_abuse-complex]")
    decided(browser)
    contact = {"id": browser.find_element(By.ID, "f-id").get_attribute("value"), "received": RECEIVED_UTC,
               "dob": "2026-03-01", "concerns": {"physical_abuse": "complex"}}
    d, want = expected_view(service, contact)
    assert d["outcome"] == "s47_strategy" and "non_mobile_baby_injury" in d["rules"]
    assert_same_decision(page_decision(browser), want)


def test_earlier_contacts_count(browser, service):
    open_page(browser, service)
    click(browser, "label[for=c-neglect-early_help]")
    for date in ("2026-03-10", "2026-04-14"):
        browser.find_element(By.ID, "history-add").click()
        date_input = browser.switch_to.active_element  # the new item's date has focus
        set_value(browser, date_input.get_attribute("id"), date)
    decided(browser)
    contact = {"id": browser.find_element(By.ID, "f-id").get_attribute("value"), "received": RECEIVED_UTC,
               "concerns": {"neglect": "early_help"},
               "history": [{"received": "2026-03-10T12:00:00Z", "concerns": {}}, {"received": "2026-04-14T12:00:00Z", "concerns": {}}]}
    d, want = expected_view(service, contact)
    assert_same_decision(page_decision(browser), want)
    # Removing one by keyboard puts focus back on "Add", and the decision follows.
    remove = browser.find_element(By.CSS_SELECTOR, "#history-list .link-button")
    remove.send_keys(Keys.ENTER)
    assert active_id(browser) == "history-add"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#history-list fieldset")) == 1


def test_record_decision_goes_to_the_audit_file(browser, service):
    open_page(browser, service)
    click(browser, "label[for=c-domestic_abuse-complex]")
    decided(browser)
    status, doc = service.call("GET", "/v1/document")
    reasons = doc.get("override_reasons") or []
    assert reasons or service.process is None  # the shipped document declares its override reasons
    outcome = Select(browser.find_element(By.ID, "r-outcome"))
    decided_outcome = outcome.first_selected_option.get_attribute("value")
    assert decided_outcome == "single_assessment"
    outcome.select_by_value("early_help")
    if reasons:
        browser.find_element(By.ID, "r-submit").click()
        summary = wait(browser, lambda d: d.find_element(By.ID, "error-summary") if d.find_element(By.ID, "error-summary").is_displayed() else None)
        assert "differs" in summary.text
        assert active_id(browser) == "error-summary"
        first = reasons[0] if isinstance(reasons, list) else next(iter(reasons))
        Select(browser.find_element(By.ID, "r-reason")).select_by_value(first["id"] if isinstance(first, dict) else first)
        want_outcome, want_reason = "early_help", first
    else:
        # No override reasons declared: the page says so and will not record a different outcome.
        assert browser.find_element(By.ID, "r-no-reasons").is_displayed()
        assert not browser.find_element(By.ID, "r-submit").is_enabled()
        outcome.select_by_value(decided_outcome)
        want_outcome, want_reason = decided_outcome, None
    before = len(service.audit_records())
    browser.find_element(By.ID, "r-submit").send_keys(Keys.ENTER)
    panel = wait(browser, lambda d: d.find_element(By.ID, "record-confirmation") if d.find_element(By.ID, "record-confirmation").is_displayed() else None)
    assert active_id(browser) == "record-confirmation"
    records = service.audit_records()
    assert len(records) == before + 1
    rec = records[-1]
    text = repr(rec)
    assert want_outcome in text
    if want_reason:
        reason_id = want_reason["id"] if isinstance(want_reason, dict) else want_reason
        assert reason_id in text
        if service.process is not None:  # SPEC 7.8 end to end: the override is in the record the resolver read
            assert rec["contact"]["override_reason"] == reason_id and rec["contact"]["recorded_outcome"] == want_outcome
            assert rec["decision"]["override"] == {"outcome": "early_help", "category": "early_help", "direction": "down",
                                                   "reason": reason_id}
    decision_id = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", panel.text)
    assert decision_id and rec.get("decision_id") == decision_id.group(0)


def test_service_error_is_summarised_with_the_field(browser, service):
    open_page(browser, service)
    ref = browser.find_element(By.ID, "f-id")
    ref.send_keys(Keys.CONTROL, "a")
    ref.send_keys(Keys.BACKSPACE)
    summary = wait(browser, lambda d: d.find_element(By.ID, "error-summary") if d.find_element(By.ID, "error-summary").is_displayed() else None)
    link = summary.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("#f-id")
    assert "id" in link.text.lower()
    link.click()
    assert active_id(browser) == "f-id"
    ref.send_keys("C-77")
    wait(browser, lambda d: not d.find_element(By.ID, "error-summary").is_displayed())
    decided(browser)


# An axe-like check of our own: what a screen-reader or keyboard user needs from every page state.
A11Y_SCRIPT = r"""
const problems = [];
const ids = new Map();
for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) || 0) + 1);
for (const [id, n] of ids) if (n > 1) problems.push('duplicate id ' + id);
for (const e of document.querySelectorAll('input, select, textarea')) {
  if (e.type === 'hidden') continue;
  const named = (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]')) || e.closest('label') ||
    e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
  if (!named) problems.push('unlabelled control ' + (e.id || e.name));
}
for (const f of document.querySelectorAll('fieldset')) {
  const first = f.firstElementChild;
  if (!first || first.tagName !== 'LEGEND' || !first.textContent.trim()) problems.push('fieldset without legend ' + f.id);
}
for (const b of document.querySelectorAll('button, a[href]'))
  if (!b.textContent.trim() && !b.getAttribute('aria-label')) problems.push('nameless ' + b.tagName);
const heads = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => h.offsetParent !== null || h.closest('[hidden]') === null);
if (heads.filter((h) => h.tagName === 'H1').length !== 1) problems.push('not exactly one h1');
let prev = 0;
for (const h of heads) {
  const n = Number(h.tagName[1]);
  if (n > prev + 1) problems.push('heading skips from h' + prev + ' to h' + n + ': ' + h.textContent.trim());
  prev = n;
}
function rgb(s) { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; }
function lum(c) { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
function background(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return { r: 255, g: 255, b: 255 }; }
for (const e of document.querySelectorAll('body *')) {
  if (!e.offsetParent && getComputedStyle(e).position !== 'fixed') continue;
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const st = getComputedStyle(e);
  if (st.clip === 'rect(0px, 0px, 0px, 0px)' || st.clipPath === 'inset(50%)') continue;
  const fg = rgb(st.color), bg = background(e);
  const l1 = lum(fg), l2 = lum(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ' on ' + e.tagName + ': ' + e.textContent.trim().slice(0, 40));
}
return problems;
"""


def test_accessibility_of_every_state(browser, service):
    open_page(browser, service)
    assert browser.execute_script(A11Y_SCRIPT) == []
    click(browser, "label[for=c-domestic_abuse-complex]")
    browser.find_element(By.ID, "history-add").click()
    decided_or_error = "return window.frontdoorPage.settled() || !document.getElementById('error-summary').hidden"
    wait(browser, lambda d: d.execute_script(decided_or_error))
    assert browser.execute_script(A11Y_SCRIPT) == []  # with the error summary and an inline error showing
    set_value(browser, browser.switch_to.active_element.get_attribute("id"), "2026-04-01")
    decided(browser)
    Select(browser.find_element(By.ID, "r-outcome")).select_by_value("advice")
    assert browser.execute_script(A11Y_SCRIPT) == []
    csp = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert csp == []


def test_tab_order_has_no_trap(browser, service):
    open_page(browser, service)
    seen = []
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(800):
        seen.append(active_id(browser))
        if seen[-1] == "r-submit":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert seen[-1] == "r-submit", "the Record decision button is reachable by Tab from the top"
    assert seen[0] == "" or "skip" in (browser.execute_script("return document.querySelector('.skip-link').textContent").lower())
    assert seen.index("f-id") < seen.index("c-domestic_abuse-none") < seen.index("history-add") < seen.index("r-outcome")


@pytest.mark.parametrize("width", [320, 1280])
def test_screenshots_and_no_sideways_scroll(browser, service, artifacts, width):
    open_page(browser, service, width)
    click(browser, "label[for=c-domestic_abuse-complex]")
    decided(browser)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    bar = browser.find_element(By.ID, "decision-bar")
    if width == 320:  # the outcome stays in view at the foot of a phone's screen, and jumps to the panel
        assert bar.is_displayed() and "single assessment" in bar.text
    else:
        assert not bar.is_displayed()
    browser.save_screenshot(str(artifacts / f"page-{width}.png"))
    total = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(total, 8000))
    browser.save_screenshot(str(artifacts / f"page-{width}-full.png"))
    if width == 1280:
        position = browser.execute_script("return getComputedStyle(document.getElementById('decision')).position")
        assert position == "sticky"
