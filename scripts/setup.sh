#!/usr/bin/env bash
# Install what frontdoor needs on a fresh Debian machine (idempotent), then configure and build.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for p in libyaml-cpp-dev doctest-dev libhowardhinnant-date-dev tzdata nlohmann-json3-dev libcli11-dev libsimdjson-dev libbenchmark-dev libz3-dev libcpp-httplib-dev pkg-config wrk; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
command -v cmake >/dev/null || need+=(cmake)
command -v ninja >/dev/null || need+=(ninja-build)
command -v g++ >/dev/null || need+=(g++)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)  # PySpark, for the frontdoor.spark tests
# The practitioner's page is tested in a real browser (tests/browser, selenium from requirements-dev.txt)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
pip_install() { python3 -m pip install -q --disable-pip-version-check "$@"; }
pip_install -r requirements-dev.txt || pip_install --break-system-packages -r requirements-dev.txt

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFRONTDOOR_BUILD_BENCH=ON ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
