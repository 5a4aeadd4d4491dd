#!/usr/bin/env python3
"""A case system's client for `frontdoor serve`, with the Python standard library only.

    python3 examples/service/client.py http://127.0.0.1:8080 examples/contact.json [--token-file F]

Asks for the document, decides the contact, explains it, and prints what a worker would see.
"""
import argparse
import http.client
import json
import sys
import urllib.parse


class FrontDoor:
    def __init__(self, base_url, token=None):
        url = urllib.parse.urlsplit(base_url)
        self.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)  # kept alive between calls
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method, path, body=None, content_type="application/json"):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        self.conn.request(method, path, body=body, headers=headers)
        answer = self.conn.getresponse()
        data = answer.read()
        if answer.status >= 400:
            error = json.loads(data)["error"]
            raise RuntimeError(f"{answer.status} {error['code']}: {error['message']}")
        return data

    def document(self):
        return json.loads(self.call("GET", "/v1/document"))

    def decide(self, contact):
        return json.loads(self.call("POST", "/v1/decide", json.dumps(contact)))

    def explain(self, contact):
        return json.loads(self.call("POST", "/v1/explain", json.dumps(contact)))

    def decide_many(self, contacts):
        body = "".join(json.dumps(c) + "\n" for c in contacts)
        text = self.call("POST", "/v1/decisions", body, "application/x-ndjson").decode()
        return [json.loads(line) for line in text.splitlines()]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("contact")
    p.add_argument("--token-file")
    a = p.parse_args()
    token = open(a.token_file).readline().strip() if a.token_file else None
    fd = FrontDoor(a.url, token)
    doc = fd.document()
    print(f"document {doc['id']} {doc['version']} ({len(doc['levels'])} levels, {len(doc['concerns'])} concerns)")
    with open(a.contact) as f:
        contact = json.load(f)
    d = fd.decide(contact)
    print(f"decision {d['decision_id']}: {d['outcome']} at level {d['level']}, by {d['deadline']}")
    for r in d["reasons"]:
        print(f"  [{r['kind']}] {r['text']} ({r['at']})")
    ex = fd.explain(contact)
    print(f"referrer is told: {ex['referrer']['outcome_name'] or ex['referrer']['outcome']}")
    batch = fd.decide_many([contact, dict(contact, id="C-EXAMPLE-2")])
    print(f"batch: {[row['outcome'] for row in batch]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
