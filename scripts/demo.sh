#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and analyze the sample traces with the default embedded (fs) storage.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD_DIR:-$ROOT/build-release}

scripts/install-deps.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDASHFLOW_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --parallel "$(nproc)"

DEMO=$BUILD/demo
rm -rf "$DEMO" && mkdir -p "$DEMO" && cd "$DEMO"
DASHFLOW="$BUILD/bin/dashflow"
echo
echo "== plugins =="
"$DASHFLOW" plugins list
echo
echo "== analyze samples/traces (storage: $DEMO/.dashflow/introspection) =="
"$DASHFLOW" --config "$ROOT/samples/dashflow.json" self-improve analyze --traces "$ROOT/samples/traces" --reason demo
echo
echo "== pending plans =="
"$DASHFLOW" --config "$ROOT/samples/dashflow.json" self-improve plans
