#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing,
# build with tests, run them with CTest.
#   SANITIZE=1 scripts/test.sh   # AddressSanitizer + UndefinedBehaviorSanitizer build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh --with-services  # prometheus, promtool, alertmanager: real peers of the observability tests

if [[ "${SANITIZE:-0}" == "1" ]]; then
  BUILD=${BUILD_DIR:-$ROOT/build-asan}
  EXTRA=(-DDASHFLOW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
  BUILD=${BUILD_DIR:-$ROOT/build-test}
  EXTRA=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
cmake -S . -B "$BUILD" -G Ninja -DDASHFLOW_BUILD_TESTS=ON "${EXTRA[@]}" >/dev/null
cmake --build "$BUILD" --parallel "$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure --parallel "$(nproc)" --timeout 900
