#!/usr/bin/env bash
# Fuzzes with libFuzzer (clang), ASan and UBSan: client requests (heads, framing, chunked
# bodies, paths, the model rewrite, config validation) and upstream answers.
#   scripts/fuzz.sh [request|upstream|both] [seconds]
# Default both, 300 seconds each, one after the other; new crashes land in test/fuzz/found/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="both"
if [[ $# -gt 0 && ! "$1" =~ ^[0-9]+$ ]]; then target="$1"; shift; fi  # scripts/fuzz.sh 60 still works
seconds="${1:-300}"
case "$target" in
  request) targets=(request) ;;
  upstream) targets=(upstream) ;;
  both) targets=(request upstream) ;;
  *) echo "usage: $0 [request|upstream|both] [seconds]" >&2; exit 2 ;;
esac
command -v clang++ >/dev/null || { echo "needs clang: apt-get install clang libclang-rt-dev" >&2; exit 1; }
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DAILOAD_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target aiload-fuzz aiload-fuzz-upstream
for name in "${targets[@]}"; do
  if [[ "$name" == request ]]; then binary=aiload-fuzz; seeds=test/fuzz/corpus; else binary=aiload-fuzz-upstream; seeds=test/fuzz/corpus-upstream; fi
  # New inputs go to build-fuzz/corpus-<target>; the seed corpora in the repo stay as they are.
  mkdir -p "build-fuzz/corpus-$name"
  echo "== fuzzing $name for $seconds s"
  "build-fuzz/test/fuzz/$binary" -max_total_time="$seconds" -max_len=65536 \
    -artifact_prefix=test/fuzz/found/ "build-fuzz/corpus-$name" "$seeds"
done
