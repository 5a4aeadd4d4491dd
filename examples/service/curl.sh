#!/usr/bin/env bash
# `frontdoor serve` from the shell with curl: the document, one decision, a batch, a record.
#   bash examples/service/curl.sh http://127.0.0.1:8080 [TOKEN_FILE]
set -euo pipefail
URL=${1:-http://127.0.0.1:8080}
AUTH=()
if [[ -n "${2:-}" ]]; then AUTH=(-H "Authorization: Bearer $(head -n1 "$2")"); fi
cd "$(dirname "$0")/../.."

curl -sf "${AUTH[@]}" "$URL/healthz"; echo
curl -sf "${AUTH[@]}" "$URL/v1/document" | cut -c1-200  # the start of it
# One contact: its decision, with a decision_id.
curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary @examples/contact.json "$URL/v1/decide"; echo
# A batch: JSON Lines in, JSON Lines out (history from earlier rows of the same child).
head -n 3 examples/contacts-2026.jsonl |
  curl -sf "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary @- "$URL/v1/decisions"
