#!/usr/bin/env bash
# Fuzzes request parsing, the model rewrite and config validation with libFuzzer (clang).
#   scripts/fuzz.sh [seconds]     default 300; new crashes land in test/fuzz/found/
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
command -v clang++ >/dev/null || { echo "needs clang: apt-get install clang libclang-rt-dev" >&2; exit 1; }
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DAILOAD_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target aiload-fuzz
mkdir -p build-fuzz/corpus
# New inputs go to build-fuzz/corpus; the seed corpus in the repo stays as it is.
build-fuzz/test/fuzz/aiload-fuzz -max_total_time="$seconds" -max_len=65536 \
  -artifact_prefix=test/fuzz/found/ build-fuzz/corpus test/fuzz/corpus
