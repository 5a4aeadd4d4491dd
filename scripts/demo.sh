#!/usr/bin/env bash
# Set up, build, then run the main job: check the default document and decide the shipped year.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
fd=./build/frontdoor
$fd check rules/exampleshire.yaml
mkdir -p out
status=0
$fd decide rules/exampleshire.yaml examples/contacts-2026.csv -o out/decisions.jsonl || status=$?
# Exit 1 means some rows were rejected (each kept, with its error); anything else is a failure.
if [[ $status -gt 1 ]]; then exit $status; fi
python3 examples/summarise.py out/decisions.jsonl
$fd explain rules/exampleshire.yaml examples/contact.json
