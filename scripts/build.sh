#!/usr/bin/env bash
# Builds AILoad (gateway, mock upstream, tests) into build/.
#   scripts/build.sh --install-deps   first installs what it needs from Debian 12 (uses sudo
#                                     when not root)
#   scripts/build.sh --only-deps      installs what the build needs (not what the tests drive)
#                                     and stops: the Dockerfile's cached layer
# (dpkg-dev is for `cpack -G DEB` in build/: the Debian packages, docs/packaging.md.)
# Extra CMake arguments can be passed in AILOAD_CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install-deps" ] || [ "${1:-}" = "--only-deps" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    g++ cmake make pkg-config libpoco-dev libssl-dev libcppunit-dev openssl ca-certificates curl \
    dpkg-dev
  [ "$1" = "--install-deps" ] || exit 0
  # What the tests drive besides AILoad: a browser for /status, Prometheus' own tools for /metrics.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium prometheus
fi

# shellcheck disable=SC2086
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${AILOAD_CMAKE_ARGS:-}
cmake --build build -j"$(nproc)"
