#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan + UBSan) and run each for N seconds (default 60).
#   bash fuzz/run.sh [seconds] [target...]      targets: compile expression decide records
# Exits non-zero when a target crashes, leaks, times out or runs out of memory; the input that did
# it is left in _build/fuzz/findings/<target>/ (make it a regression test: see fuzz/README.md).
# Prints, per target, the executions, executions per second and CPU seconds, and the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(compile expression decide records)
BUILD=${FUZZ_BUILD_DIR:-_build/fuzz}

if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: installing clang and its runtime (libclang-rt-dev)" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi

FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
# FUZZ_CONFIGURED=1: $BUILD is already configured with FRONTDOOR_BUILD_FUZZERS (scripts/ci-extra.sh
# builds the sanitizer tests and the fuzzers in one tree); only the targets are (re)built.
if [[ "${FUZZ_CONFIGURED:-0}" != 1 ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_C_FLAGS="$FLAGS" -DFRONTDOOR_BUILD_FUZZERS=ON \
    -DFRONTDOOR_BUILD_CLI=OFF -DFRONTDOOR_BUILD_TESTS=OFF -DFRONTDOOR_BUILD_PYTHON=OFF -DFRONTDOOR_INSTALL=OFF \
    -DFRONTDOOR_BUILD_C_API=OFF -DFRONTDOOR_BUILD_INTERCHANGE=OFF >/dev/null
fi
cmake --build "$BUILD" -j "${JOBS:-2}" --target $(printf 'fuzz_%s ' "${TARGETS[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
total_runs=0
total_cpu=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"            # grows as the fuzzer learns; the committed seeds stay as they are
  findings="$BUILD/findings/$t"
  mkdir -p "$corpus" "$findings"
  dict=()
  [[ -f fuzz/dict/$t.dict ]] && dict=(-dict="fuzz/dict/$t.dict")
  log="$BUILD/$t.log"
  set +e
  /usr/bin/time -f "%U %S" -o "$BUILD/$t.time" "$BUILD/fuzz/fuzz_$t" "$corpus" "fuzz/corpus/$t" "${dict[@]}" -max_total_time="$SECONDS_EACH" \
    -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cpu=$(awk '/^[0-9.]+ [0-9.]+$/{printf "%.0f", $1+$2}' "$BUILD/$t.time")
  total_runs=$((total_runs + ${runs:-0}))
  total_cpu=$((total_cpu + cpu))
  if ((rc != 0)); then
    status=1
    echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs; input in $findings/" >&2
    grep -m 20 -E "ERROR|SUMMARY|runtime error|#0 |#1 |#2 |#3 " "$log" >&2 || tail -30 "$log" >&2
  else
    echo "fuzz_$t: ${runs} runs in ${cpu} s, ${eps} exec/s, no crash"
  fi
done
echo "fuzz: ${total_runs} runs in ${total_cpu} CPU seconds over ${#TARGETS[@]} targets"
exit $status
