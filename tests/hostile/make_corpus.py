#!/usr/bin/env python3
"""Writes the small hostile inputs committed under tests/hostile/documents and tests/hostile/contacts.

Each document's first line says what `frontdoor check` must report (`# expect: FD103 FD104`, or
`# expect: clean`); a contact file's says how many decision rows `decide` must write
(`rows: N` in the file name's entry of contacts/EXPECT). Large inputs (a 50 MB line, 100,000
rows, a 4 MiB document) are made at test time by test_hostile.py, never committed.

Run it again after changing a case: python3 tests/hostile/make_corpus.py
"""
import json
import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
DOCS = HERE / "documents"
CONTACTS = HERE / "contacts"
# A small complete document: most cases change one thing in it.
DEFAULT = """frontdoor: 1
id: hostileshire
title: Hostile inputs
version: "1"
effective_from: 2026-04-01
levels:
  - {id: universal, route: advice}
  - {id: early_help, route: early_help}
  - {id: complex, route: assessment}
  - {id: acute, route: s47}
outcomes:
  advice: {category: nfa, decide_within: 1 working day}
  early_help: {category: early_help, decide_within: 1 working day}
  assessment: {category: assessment, decide_within: 1 working day, actions: [allocate]}
  s47: {category: s47, decide_within: 4 working hours, actions: [checks]}
actions:
  allocate: "Allocate a social worker"
  checks: "Multi-agency checks"
calendar:
  timezone: Europe/London
  working_hours: "09:00-17:00"
  holidays:
    - 2026-05-04
fields:
  consent: {type: bool, default: false}
concerns:
  domestic_abuse:
    domain: family
    levels: {early_help: "Conflict", complex: "Domestic abuse", acute: "Serious domestic abuse"}
  injury:
    domain: development
    levels: {acute: "Unexplained injury"}
history:
  similar_contacts_3m: {count: contacts, within: 3 months, sharing: domain}
rules:
  - id: repeat
    when: similar_contacts_3m >= 2
    raise_to: complex
routing:
  - id: no_consent
    when: level == "early_help" && !consent
    outcome: advice
    lowers: true
    because: "Early help is voluntary"
tests:
  - name: injury
    contact: {received: "2026-06-01T10:00:00Z", concerns: {injury: acute}}
    expect: {level: acute, outcome: s47}
"""


def doc(name, body, expect, prefix=b""):
    data = body if isinstance(body, bytes) else body.encode()
    (DOCS / name).write_bytes(prefix + b"# expect: " + " ".join(expect).encode() + b"\n" + data)


def with_rule(when, extra=""):
    """The default document with one more rule whose `when` is the given text."""
    rule = "  - id: hostile_rule\n    when: " + when + "\n    flags: [hostile]\n" + extra
    return DEFAULT.replace("\nrules:\n", "\nrules:\n" + rule, 1)


def replaced(old, new):
    assert old in DEFAULT, old
    return DEFAULT.replace(old, new, 1)


def documents():
    DOCS.mkdir(exist_ok=True)
    # Aliases: cycles and bombs are refused before anything walks them.
    laughs = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        laughs += f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]\n"
    doc("billion_laughs.yaml", laughs, ["FD103"])
    doc("alias_cycle.yaml", "a: &a [*a]\n", ["FD103"])
    doc("alias_cycle_map.yaml", "frontdoor: 1\nid: &x {self: *x}\n", ["FD103"])
    doc("merge_key.yaml", "base: &b {route: advice}\nlevels:\n  - {<<: *b, id: x}\n", ["FD103"])
    doc("alias_in_rules.yaml", replaced("\nrules:\n", "\nrules: &r\n") + "tests_again: *r\n", ["FD103"])
    # Nesting: far past any parser's own recursion limit (yaml-cpp refuses 500 levels; ours is 32).
    doc("deep_flow.yaml", "frontdoor: 1\nid: " + "[" * 20000 + "]" * 20000 + "\n", ["FD104"])
    doc("deep_flow_map.yaml", "frontdoor: 1\nid: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", ["FD104"])
    doc("deep_block.yaml", "".join(" " * i + "a:\n" for i in range(200)) + " " * 200 + "b: 1\n", ["FD104"])
    doc("deep_sequence.yaml", "- " * 3000 + "x\n", ["FD104"])
    doc("unclosed_flow.yaml", "frontdoor: 1\nid: " + "[" * 50 + "\n", ["FD104"])
    # Bytes.
    doc("invalid_utf8.yaml", DEFAULT.encode().replace(b"title:", b"title: \xc3\x28 \xff", 1), ["FD105"])
    doc("overlong_utf8.yaml", b"frontdoor: 1\nid: \xc0\xaf\n", ["FD105"])
    doc("surrogate_utf8.yaml", b"frontdoor: 1\nid: \xed\xa0\x80\n", ["FD105"])
    doc("nul_byte.yaml", DEFAULT.encode().replace(b"title:", b"title: a\x00b", 1), ["FD105"])
    doc("utf16.yaml", "frontdoor: 1\nid: x\n".encode("utf-16"), ["FD105"])
    doc("control_chars.yaml", DEFAULT.replace("title:", "title: \x01\x02\x1b[31m", 1), ["FD105"])
    doc("delete_char.yaml", DEFAULT.replace("title:", "title: \x7f", 1), ["FD105"])
    doc("binary_garbage.yaml", bytes(range(1, 256)) * 4, ["FD105"])
    doc("empty.yaml", "", ["FD111"])
    doc("only_comments.yaml", "# nothing\n# here\n", ["FD111"])
    doc("scalar.yaml", "just a string\n", ["FD112"])
    doc("null_document.yaml", "~\n", ["FD112"])
    doc("two_documents.yaml", DEFAULT + "\n---\nfrontdoor: 1\n", ["FD101"])
    doc("python_tag.yaml", replaced("title:", "title: !!python/object:os.system"), ["FD101"])
    doc("custom_tag.yaml", replaced("title:", "title: !include /etc/passwd"), ["FD101"])
    doc("crlf.yaml", DEFAULT.replace("\n", "\r\n"), ["clean"])
    doc("bom.yaml", DEFAULT, ["clean"], prefix="\ufeff".encode())
    doc("bom_inside.yaml", "\ufeff" + DEFAULT, ["FD110"])
    doc("key_is_list.yaml", "frontdoor: 1\n? [a, b]\n: c\n", ["FD101"])
    doc("duplicate_keys.yaml", replaced("\ntitle:", "\ntitle: one\ntitle:"), ["FD102"])
    # Numbers.
    doc("huge_format.yaml", replaced("frontdoor: 1", "frontdoor: 99999999999999999999999999999"), ["FD113"])
    doc("huge_decide_within.yaml", replaced("decide_within: 1 working day", "decide_within: 99999999999999999999 working days"), ["FD123"])
    doc("max_decide_within.yaml", replaced("decide_within: 1 working day", "decide_within: 10000 working days"), ["clean-or-findings"])
    doc("huge_window.yaml", replaced("within: 3 months", "within: 9223372036854775807 months"), ["FD123"])
    doc("huge_field_bounds.yaml", replaced("fields:\n", "fields:\n  big: {type: int, min: -9223372036854775809, max: 99999999999999999999}\n"), ["FD113"])
    doc("float_format.yaml", replaced("frontdoor: 1", "frontdoor: 1.0e308"), ["FD113"])
    doc("nan_format.yaml", replaced("frontdoor: 1", "frontdoor: .nan"), ["FD113"])
    # Integer overflow and odd arithmetic in expressions: they load; at run time the `when` does not hold.
    doc("overflow_add.yaml", with_rule('"9223372036854775807 + age_months > 0"'), ["clean-or-findings"])
    doc("overflow_mul.yaml", with_rule('"age_months * 9223372036854775807 * 9223372036854775807 > 0"'), ["clean-or-findings"])
    doc("overflow_neg.yaml", with_rule('"-(-9223372036854775808 + age_months) > 0"'), ["clean-or-findings"])
    doc("overflow_sub.yaml", with_rule('"-9223372036854775808 - 1 - age_months < 0"'), ["clean-or-findings"])
    doc("literal_too_big.yaml", with_rule('"age_months > 99999999999999999999999"'), ["FD210"])
    doc("literal_min_minus.yaml", with_rule('"age_months > --9223372036854775808"'), ["clean-or-findings"])
    doc("long_expression.yaml", with_rule('"' + " || ".join(["age_months > 1"] * 2000) + '"'), ["FD208"])
    doc("deep_expression.yaml", with_rule('"' + "(" * 1000 + "true" + ")" * 1000 + '"'), ["FD208"])
    doc("deep_not.yaml", with_rule("'" + "!" * 3000 + "true'"), ["FD208"])
    doc("wide_list.yaml", with_rule('"age_months in [' + ",".join(str(i) for i in range(300)) + ']"'), ["FD208"])
    doc("division.yaml", with_rule('"age_months / 0 > 1"'), ["FD201"])
    doc("string_escapes.yaml", with_rule("'source == \"\\x00\"'"), ["FD201"])
    doc("unterminated_string.yaml", with_rule("'channel == \"written'"), ["FD201"])
    # Dates and times.
    doc("impossible_effective_from.yaml", replaced("effective_from: 2026-04-01", "effective_from: 2026-02-30"), ["FD113"])
    doc("impossible_holiday.yaml", replaced("  holidays:\n", "  holidays:\n    - 2026-13-45\n    - 2025-02-29\n"), ["FD124"])
    doc("far_holiday.yaml", replaced("  holidays:\n", "  holidays:\n    - 9999-12-31\n    - 0001-01-01\n"), ["clean-or-findings"])
    doc("unknown_timezone.yaml", replaced("timezone: Europe/London", "timezone: Mars/Olympus_Mons"), ["FD124"])
    doc("path_timezone.yaml", replaced("timezone: Europe/London", "timezone: ../../../../etc/passwd"), ["FD124"])
    doc("empty_timezone.yaml", replaced("timezone: Europe/London", 'timezone: ""'), ["FD124"])
    doc("bad_working_hours.yaml", replaced('working_hours: "09:00-17:00"', 'working_hours: "25:00-99:99"'), ["FD124"])
    doc("empty_working_hours.yaml", replaced('working_hours: "09:00-17:00"', 'working_hours: "09:00-09:00"'), ["FD124"])
    doc("one_minute_day.yaml", replaced('working_hours: "09:00-17:00"', 'working_hours: "09:00-09:01"'), ["clean-or-findings"])
    doc("impossible_test_received.yaml", replaced('received: "2026-06-01T10:00:00Z"', 'received: "2026-02-29T25:61:61Z"'), ["FD301"])
    # Ids and references.
    # The document's own id is free text (SPEC: "short id"); it is escaped wherever it is written.
    doc("unicode_id.yaml", replaced("id: hostileshire", "id: h\u00f6stileshire \u202e"), ["clean-or-findings"])
    doc("long_id.yaml", replaced("id: hostileshire", "id: " + "x" * 5000), ["clean-or-findings"])
    doc("long_title.yaml", replaced("title:", "title: " + "y" * 100000 + " #"), ["clean"])


def contacts():
    CONTACTS.mkdir(exist_ok=True)
    expect = {}

    def jsonl(name, lines, rows):
        data = b"".join((l if isinstance(l, bytes) else l.encode()) + b"\n" for l in lines)
        (CONTACTS / name).write_bytes(data)
        expect[name] = rows

    def raw(name, data, rows):
        (CONTACTS / name).write_bytes(data if isinstance(data, bytes) else data.encode())
        expect[name] = rows

    ok = '{"id":"OK-%d","child":"K-1","received":"2026-05-04T10:00:00Z","concerns":{"domestic_abuse":"complex"}}'
    garbage = [
        "not json at all", "{", "}", "[]", "[1,2,3]", "null", "true", "42", '"a string"', "{}",
        '{"id":}', '{"id":"G1"', '{"id":"G2","received":"2026-05-04T10:00:00Z",}', "{'id':'single quotes'}",
        '{"id":"G3","received":"2026-05-04T10:00:00Z","concerns":[1,2]}',
        '{"id":"G4","received":"2026-05-04T10:00:00Z","concerns":{"domestic_abuse":{"deep":[1]}}}',
        '{"id":"G5","received":"2026-05-04T10:00:00Z","history":"yesterday"}',
        '{"id":"G6","received":"2026-05-04T10:00:00Z","history":[1,null,"x"]}',
        '{"id":"G7","received":"2026-05-04T10:00:00Z","history":[{"received":"never"}]}',
        '{"id":{"nested":"id"},"received":"2026-05-04T10:00:00Z"}',
        '{"id":["G8"],"received":"2026-05-04T10:00:00Z"}',
        '{"id":"G9","received":"2026-05-04T10:00:00Z","id":"G9-again"}',
        "[" * 20000 + "]" * 20000,
        '{"a":' * 10000 + "1" + "}" * 10000,
        b"\x00\x01\x02\x03",
        b'{"id":"G10\x00","received":"2026-05-04T10:00:00Z"}',
        b'{"id":"G11\xff\xfe","received":"2026-05-04T10:00:00Z"}',
        b'{"id":"G12","received":"2026-05-04T10:00:00Z"}\r',
        '{"id":"G13","received":"2026-05-04T10:00:00Z","unknown_field":"x"}',
        json.dumps({"id": "G14", "received": "2026-05-04T10:00:00Z", **{f"k{i}": i for i in range(2000)}}),
    ]
    jsonl("garbage.jsonl", [ok % 1] + garbage + [ok % 2], len(garbage) + 2)
    numbers = [
        '{"id":"N1","received":"2026-05-04T10:00:00Z","dob":1e999}',
        '{"id":"N2","received":"2026-05-04T10:00:00Z","disabled":1e308}',
        '{"id":"N3","received":"2026-05-04T10:00:00Z","disabled":18446744073709551616}',
        '{"id":"N4","received":"2026-05-04T10:00:00Z","source":-9223372036854775809}',
        '{"id":"N5","received":"2026-05-04T10:00:00Z","source":6.0000000000000001}',
        '{"id":"N6","received":"2026-05-04T10:00:00Z","source":NaN}',
        '{"id":"N7","received":"2026-05-04T10:00:00Z","source":Infinity}',
        '{"id":"N8","received":99999999999999999999999999999}',
        '{"id":"N9","received":"2026-05-04T10:00:00Z","telling_family_raises_risk":-0.0}',
        '{"id":"N10","received":"2026-05-04T10:00:00Z","disabled":1}',
        '{"id":' + "9" * 5000 + ',"received":"2026-05-04T10:00:00Z"}',
        '{"id":1e400,"received":"2026-05-04T10:00:00Z"}',
    ]
    jsonl("numbers.jsonl", numbers, len(numbers))
    dates = [
        '{"id":"D1","received":"2026-02-30T10:00:00Z"}', '{"id":"D2","received":"2026-02-29T10:00:00Z"}',
        '{"id":"D3","received":"2024-02-29T10:00:00Z"}', '{"id":"D4","received":"2026-13-01T10:00:00Z"}',
        '{"id":"D5","received":"2026-00-10T10:00:00Z"}', '{"id":"D6","received":"2026-05-04T24:00:00Z"}',
        '{"id":"D7","received":"2026-05-04T23:60:00Z"}', '{"id":"D8","received":"2026-05-04T23:59:60Z"}',
        '{"id":"D9","received":"2026-05-04T10:00:00+25:00"}', '{"id":"D10","received":"2026-05-04T10:00:00"}',
        '{"id":"D11","received":"0000-01-01T00:00:00Z"}', '{"id":"D12","received":"9999-12-31T23:59:59Z"}',
        '{"id":"D13","received":"99999-01-01T00:00:00Z"}', '{"id":"D14","received":"-0001-01-01T00:00:00Z"}',
        '{"id":"D15","received":"2026-05-04T10:00:00.' + "9" * 1000 + 'Z"}',
        '{"id":"D16","received":"2026-05-04T10:00:00Z","dob":"2026-02-30"}',
        '{"id":"D17","received":"2026-05-04T10:00:00Z","dob":"2027-01-01"}',
        '{"id":"D18","received":"2026-05-04T10:00:00Z","dob":"1066-10-14"}',
        '{"id":"D19","received":"2026-05-04T10:00:00Z","dob":"0001-01-01","concerns":{"domestic_abuse":"acute"}}',
        '{"id":"D20","received":"2026-05-04T10:00:00Z","history":[{"received":"0001-01-01T00:00:00Z"},{"received":"9999-12-31T23:59:59Z"}]}',
        '{"id":"D21","received":"2026-05-04T10:00:00Z","unborn":true,"dob":"2999-01-01"}',
        '{"id":"D22","received":"1900-01-01T00:00:00Z","concerns":{"domestic_abuse":"acute"}}',
        '{"id":"D23","received":"2199-12-31T23:00:00+14:00","concerns":{"domestic_abuse":"acute"}}',
        '{"id":"D24","received":"2026-03-29T01:30:00+00:00","concerns":{"domestic_abuse":"acute"}}',
        '{"id":"D25","received":"\u0662\u0660\u0662\u0666-05-04T10:00:00Z"}',
    ]
    jsonl("dates.jsonl", dates, len(dates))
    jsonl("blank_lines.jsonl", ["", "   ", ok % 1, "\t", "", ok % 2, "\r"], 2)
    raw("empty.jsonl", b"", 0)
    raw("no_final_newline.jsonl", (ok % 1 + "\n" + ok % 2).encode(), 2)
    head = "id,child,received,concerns\n"
    raw("garbage.csv", head + "C1,K,2026-05-04T10:00:00Z,domestic_abuse=complex\n"
        "C2,K\n"
        "C3,K,2026-05-04T10:00:00Z,domestic_abuse=complex,extra,cells\n"
        "C4,K,not a date,\n"
        "C5,K,2026-05-04T10:00:00Z,=;=;==\n"
        "C6,K,2026-05-04T10:00:00Z,domestic_abuse\n"
        ",,,\n"
        "\x00\x01,\x02,\x03,\x04\n"
        "C7 \"quoted in the middle\",K,2026-05-04T10:00:00Z,\n"
        "\"C8 \"\"doubled\"\"\",K,2026-05-04T10:00:00Z,\n"
        "\"C9\nwith a line break\",K,2026-05-04T10:00:00Z,\n"
        "C10,K,2026-05-04T10:00:00Z,domestic_abuse=complex;domestic_abuse=acute\n", 12)
    raw("unbalanced_quote.csv", head + "C1,K,2026-05-04T10:00:00Z,\n"
        "\"C2,K,2026-05-04T10:00:00Z,\n"
        "C3,K,2026-05-04T10:00:00Z,\n"
        "C4,K,2026-05-04T10:00:00Z,\"domestic_abuse=complex\n"
        "C5,K,2026-05-04T10:00:00Z,\n", 5)
    raw("unbalanced_header.csv", "id,\"child,received,concerns\nC1,K,2026-05-04T10:00:00Z,\nC2,K,2026-05-04T10:00:00Z,\n", 2)
    raw("header_only.csv", head, 0)
    raw("empty.csv", b"", 0)
    raw("binary.csv", bytes(range(256)) * 8, None)  # rows: whatever the reader finds, but every one written
    raw("bom_crlf.csv", ("\ufeff" + head + "C1,K,2026-05-04T10:00:00Z,\n").replace("\n", "\r\n").encode(), 1)
    raw("duplicate_header.csv", "id,id,received,received\nC1,C2,2026-05-04T10:00:00Z,2026-05-04T10:00:00Z\n", 1)
    raw("history_cell.csv", "id,received,history\nC1,2026-05-04T10:00:00Z,not json\n"
        "C2,2026-05-04T10:00:00Z,\"[{\"\"received\"\":\"\"2026-05-01T10:00:00Z\"\"}]\"\n"
        "C3,2026-05-04T10:00:00Z,\"" + "[" * 10000 + "\"\n", 3)
    (CONTACTS / "EXPECT").write_text("".join(f"{k} {'any' if v is None else v}\n" for k, v in sorted(expect.items())))


if __name__ == "__main__":
    documents()
    contacts()
