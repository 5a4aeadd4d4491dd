#!/usr/bin/env bash
# Load benchmark for `frontdoor serve` (docs/service.md, "Performance").
#   bash bench/bench_serve.sh [SECONDS]        # default 10 s per wrk run; FRONTDOOR=path/to/frontdoor
# 1. /v1/decide with wrk: 32 keep-alive connections, decisions/s and p50/p99 latency (--latency).
# 2. /v1/decisions with a 100,000-row JSON Lines body (bench/make_diverse.py, seeded): rows/s, against
#    `frontdoor decide` on the same file.
# Each answer is checked against the command line before anything is timed. Targets: >= 20,000
# decisions/s with p99 < 5 ms; /v1/decisions within 2x of the command line's rows/s. The figures
# depend on what else the machine is doing: the script prints its load average beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
FRONTDOOR=${FRONTDOOR:-build/frontdoor}
DOC=rules/exampleshire.yaml
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "bench_serve: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

"$FRONTDOOR" serve "$DOC" --port 0 2>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 600); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$')
URL="http://127.0.0.1:$PORT"

# --- check the answers first ----------------------------------------------------------------------
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' examples/contact.json >"$WORK/one.jsonl"
curl -sf -H 'Content-Type: application/json' --data-binary @"$WORK/one.jsonl" "$URL/v1/decide" |
  sed -E 's/,"decision_id":"[0-9a-f-]{36}"\}$/}/' >"$WORK/one.served"
echo >>"$WORK/one.served"
"$FRONTDOOR" decide "$DOC" "$WORK/one.jsonl" >"$WORK/one.cli"
cmp -s "$WORK/one.served" "$WORK/one.cli" || { echo "bench_serve: /v1/decide differs from frontdoor decide" >&2; exit 1; }

python3 bench/make_diverse.py --rows 100000 --out-dir "$WORK" --stem rows >/dev/null
"$FRONTDOOR" decide "$DOC" "$WORK/rows.jsonl" >"$WORK/rows.cli" || true  # exit 1: the deliberately bad rows
curl -sf -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/rows.jsonl" "$URL/v1/decisions" >"$WORK/rows.served"
cmp -s "$WORK/rows.served" "$WORK/rows.cli" || { echo "bench_serve: /v1/decisions differs from frontdoor decide" >&2; exit 1; }
echo "checked: /v1/decide and /v1/decisions (100,000 rows) give frontdoor decide's bytes"

# --- /v1/decide under wrk -------------------------------------------------------------------------
BODY=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().strip()))' "$WORK/one.jsonl")
cat >"$WORK/decide.lua" <<LUA
wrk.method = "POST"
wrk.body = $BODY
wrk.headers["Content-Type"] = "application/json"
local bad = 0
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests) io.write(string.format("non-200 answers: %d\n", bad)) end
LUA
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/decide.lua" "$URL/v1/decide" | tee "$WORK/wrk.txt"
RPS=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
P50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
grep -q "non-200 answers: 0" "$WORK/wrk.txt" || { echo "bench_serve: some answers were not 200" >&2; exit 1; }

# --- /v1/decisions against the command line -------------------------------------------------------
best() { sort -n | head -1; }
SERVED=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$WORK/rows.jsonl" "$URL/v1/decisions"; done | best)
CLI=$(for _ in 1 2 3; do python3 -c 'import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - t)' "$FRONTDOOR" decide "$DOC" "$WORK/rows.jsonl" -o /dev/null; done | best)
python3 - "$RPS" "$P50" "$P99" "$SERVED" "$CLI" <<'PY'
import sys
rps, p50, p99, served, cli = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
def ms(s):
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    for u in ("us", "ms", "s"):
        if s.endswith(u):
            return float(s[:-len(u)]) * unit[u]
    return float(s)
print(f"/v1/decide:    {float(rps):,.0f} decisions/s, p50 {ms(p50):.2f} ms, p99 {ms(p99):.2f} ms "
      f"(target >= 20,000/s, p99 < 5 ms: {'met' if float(rps) >= 20000 and ms(p99) < 5 else 'missed'})")
print(f"/v1/decisions: {100000 / served:,.0f} rows/s; frontdoor decide {100000 / cli:,.0f} rows/s; "
      f"ratio {served / cli:.2f}x (target within 2x: {'met' if served / cli <= 2 else 'missed'})")
PY
