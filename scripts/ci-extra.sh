#!/usr/bin/env bash
# Reliability checks beyond scripts/test.sh (issue 7), for CI:
#   1. the asan preset (ASan + UBSan): the C++ unit and reliability tests, the hostile-input corpus
#      and the data-protection tests, any sanitizer report failing the run;
#   2. the tsan preset: the thread tests (one RuleSet shared by 8+ threads, a reload swapped in);
#   3. each libFuzzer target for FUZZ_SECONDS (default 45) seconds, seeded from fuzz/corpus/.
# Steps can be chosen: bash scripts/ci-extra.sh asan tsan fuzz   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=("$@")
((${#STEPS[@]})) || STEPS=(asan tsan fuzz)
JOBS=${JOBS:-2}
t_start=$(date +%s)
stamp() { echo "ci-extra: $1 ($(($(date +%s) - t_start)) s so far)"; }

# What the builds need (scripts/setup.sh's packages, without its build), and clang for the fuzzers.
need=()
for p in libyaml-cpp-dev doctest-dev libhowardhinnant-date-dev tzdata nlohmann-json3-dev libcli11-dev libz3-dev \
         cmake ninja-build g++ clang libclang-rt-14-dev python3-pip; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "ci-extra: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q pytest || python3 -m pip install -q --break-system-packages pytest

for step in "${STEPS[@]}"; do
  case "$step" in
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
