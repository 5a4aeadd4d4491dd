#!/usr/bin/env bash
# Reliability checks beyond scripts/test.sh:
#   sanitize (what .ci/run runs): one clang build with ASan + UBSan (and libFuzzer's coverage
#      instrumentation) that serves both halves: the C++ unit and reliability tests, the
#      hostile-input corpus and the data-protection tests, any sanitizer report failing the run;
#      then each libFuzzer target for FUZZ_SECONDS (default 45) seconds, seeded from fuzz/corpus/.
#   asan: the same tests with the asan preset (gcc), in a tree of its own.
#   tsan (what .ci/run runs after sanitize): a gcc build with ThreadSanitizer of the threaded tests:
#      one RuleSet shared by 8+ threads, a reload swapped in, the batch engine (decide_columns) on
#      4 threads against decide_batch, and the C interface's threads and hot reload (ctest c_api,
#      which also runs the command line's threaded `decide` on the shipped year). Any report fails.
#   fuzz: the fuzzers alone (fuzz/run.sh).
# Steps can be chosen: bash scripts/ci-extra.sh sanitize tsan   (default: sanitize tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=("$@")
((${#STEPS[@]})) || STEPS=(sanitize tsan)
JOBS=${JOBS:-2}
t_start=$(date +%s)
stamp() { echo "ci-extra: $1 ($(($(date +%s) - t_start)) s so far)"; }

# What the builds need (scripts/setup.sh's packages, without its build), and clang for the fuzzers.
need=()
for p in libyaml-cpp-dev doctest-dev libhowardhinnant-date-dev tzdata nlohmann-json3-dev libcli11-dev libsimdjson-dev libz3-dev \
         cmake ninja-build g++ clang clang-format libclang-rt-14-dev python3-pip; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "ci-extra: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q pytest || python3 -m pip install -q --break-system-packages pytest

SANITIZE_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only -O1"
for step in "${STEPS[@]}"; do
  case "$step" in
    sanitize)
      # No CMAKE_BUILD_TYPE: only these flags (a build type would add -O2 -g after them).
      CC=clang CXX=clang++ cmake -S . -B _build/sanitize -G Ninja -DCMAKE_BUILD_TYPE= \
        -DCMAKE_CXX_FLAGS="$SANITIZE_FLAGS" -DCMAKE_C_FLAGS="$SANITIZE_FLAGS" -DFRONTDOOR_BUILD_FUZZERS=ON \
        -DFRONTDOOR_BUILD_PYTHON=OFF -DFRONTDOOR_BUILD_C_API=OFF -DFRONTDOOR_INSTALL=OFF >/dev/null
      cmake --build _build/sanitize -j "$JOBS" --target frontdoor-cli frontdoor_unit_tests frontdoor_reliability_tests \
        fuzz_compile fuzz_expression fuzz_decide fuzz_records
      stamp "sanitize build done"
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 FRONTDOOR_SANITIZED=1 FRONTDOOR_THREAD_ROWS=1000 \
        ctest --test-dir _build/sanitize -R '^(unit|reliability|threads|hostile|privacy)$' --output-on-failure -j 1
      stamp "sanitized tests done"
      FUZZ_BUILD_DIR=_build/sanitize FUZZ_CONFIGURED=1 bash fuzz/run.sh "${FUZZ_SECONDS:-45}"
      stamp "fuzzing done"
      ;;
    asan)
      cmake --preset asan >/dev/null
      cmake --build --preset asan --target frontdoor-cli frontdoor_unit_tests frontdoor_reliability_tests
      stamp "asan build done"
      # Under the sanitizers the hostile corpus gets no address-space limit (ASan reserves terabytes
      # of it) and a longer time bound per run.
      FRONTDOOR_SANITIZED=1 FRONTDOOR_THREAD_ROWS=1000 ctest --preset asan -j 1
      stamp "asan tests done"
      ;;
    tsan)
      cmake --preset tsan >/dev/null
      cmake --build --preset tsan
      stamp "tsan build done"
      ctest --preset tsan
      stamp "tsan tests done"
      ;;
    fuzz)
      bash fuzz/run.sh "${FUZZ_SECONDS:-45}"
      stamp "fuzzing done"
      ;;
    *) echo "ci-extra: unknown step '$step' (asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
stamp "all done"
