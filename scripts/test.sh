#!/usr/bin/env bash
# Builds what changed and runs every test (CTest). Extra arguments go to ctest, e.g. -R Relay.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || scripts/build.sh
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure "$@"
