#!/usr/bin/env bash
# Builds AILoad (gateway, mock upstream, tests) into build/.
#   scripts/build.sh --install-deps   first installs what it needs from Debian 12 (uses sudo
#                                     when not root)
# Extra CMake arguments can be passed in AILOAD_CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install-deps" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    g++ cmake make pkg-config libpoco-dev libssl-dev libcppunit-dev openssl ca-certificates curl
fi

# shellcheck disable=SC2086
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${AILOAD_CMAKE_ARGS:-}
cmake --build build -j"$(nproc)"
