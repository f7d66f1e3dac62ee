#!/usr/bin/env bash
# Builds what changed and runs every test (CTest). Extra arguments go to ctest, e.g. -R Relay.
#   scripts/test.sh --quick              leaves out the slow ones (label slow: the Debian package
#                                        and the Docker image, test/packaging; minutes, root)
#   scripts/test.sh --sanitize=address   the same built with AddressSanitizer and UBSan, in build-asan/
#   scripts/test.sh --sanitize=thread    the same built with ThreadSanitizer, in build-tsan/
# A sanitizer run leaves out OpenAISdk (it tests the Node SDK, not our code) and the slow ones
# (they test the packaging, not the code), and writes what the sanitizer reports, from the
# tests and from every aiload and aiload-mock they start, to build-*/sanitizer/; it fails if
# anything is there, even when the tests passed (a report from a process a test killed, or one
# whose output the test did not look at).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
quick=()
case "${1:-}" in
  --quick) quick=(-LE slow); shift ;;
  --sanitize=address|--sanitize=thread) sanitize="${1#--sanitize=}"; shift ;;
  --sanitize=*) echo "scripts/test.sh: unknown sanitizer ${1#--sanitize=} (address or thread)" >&2; exit 2 ;;
esac

if [ -z "$sanitize" ]; then
  [ -d build ] || scripts/build.sh
  cmake --build build -j"$(nproc)"
  # The suites start their servers on ephemeral ports and wait on conditions: they run side by side.
  # The slow ones run alone (RUN_SERIAL), so that they do not starve the timing-sensitive suites.
  ctest --test-dir build --output-on-failure -j"$(nproc)" "${quick[@]}" "$@"
  exit
fi

if [ "$sanitize" = address ]; then
  build=build-asan
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
else
  build=build-tsan
  flags="-fsanitize=thread"
fi
# RelWithDebInfo: optimised like the release, with the line numbers a report needs.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j"$(nproc)"

reports="$PWD/$build/sanitizer"
rm -rf "$reports"
mkdir -p "$reports"
# log_path: each process writes its reports to a file of its own (name.pid), kept after it ends.
export ASAN_OPTIONS="log_path=$reports/asan:detect_stack_use_after_return=1:strict_init_order=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
# POCO is not instrumented: test/tsan.supp names the reports that lie entirely inside it.
export TSAN_OPTIONS="log_path=$reports/tsan:second_deadlock_stack=1:suppressions=$PWD/test/tsan.supp"

status=0
ctest --test-dir "$build" --output-on-failure -E '^OpenAISdk$' -LE slow "$@" || status=$?
if [ -n "$(ls -A "$reports")" ]; then
  for report in "$reports"/*; do
    echo "==== $report"
    cat "$report"
  done
  echo "scripts/test.sh: the sanitizer reported the above (also in $reports)" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
