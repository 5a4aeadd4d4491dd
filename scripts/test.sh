#!/usr/bin/env bash
# Set up, build, and run every test (C++ unit tests, the shipped documents' worked examples, the
# command line, the differential run against the reference evaluator, and the CMake consumers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${JOBS:-2}"
