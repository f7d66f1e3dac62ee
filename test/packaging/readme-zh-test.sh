#!/usr/bin/env bash
# README.zh.md says what README.md says: the same sections (as many `##` and `###` headings,
# in the same order of levels) and the same commands and examples (every fenced block with a
# language, byte for byte, in the same order). Prose is checked by people; this catches a
# section or a command added to one and not the other.
#
#   readme-zh-test.sh SOURCE_DIR
set -euo pipefail
cd "${1:?usage: readme-zh-test.sh SOURCE_DIR}"

levels() { grep -E '^###? ' "$1" | sed -E 's/^(#+) .*/\1/' | tr '\n' ' '; }
blocks() { # the fenced blocks that have a language (sh, json, ...), the fences included
  awk '/^ *```[a-z]+$/ { inside = 1 } inside { print } /^ *```$/ && inside { inside = 0; print "" }' "$1"
}

status=0
if [ "$(levels README.md)" != "$(levels README.zh.md)" ]; then
  echo "readme-zh-test: the headings differ (README.md | README.zh.md):"
  paste -d '|' <(grep -E '^###? ' README.md) <(grep -E '^###? ' README.zh.md) | sed 's/|/   |   /'
  status=1
fi
if ! diff -u <(blocks README.md) <(blocks README.zh.md) > /tmp/readme-zh-test.$$; then
  echo "readme-zh-test: the commands and examples differ (README.md first):"
  cat /tmp/readme-zh-test.$$
  status=1
fi
rm -f /tmp/readme-zh-test.$$
grep -q '(README.zh.md)' README.md || { echo "readme-zh-test: README.md does not link README.zh.md"; status=1; }
grep -q '(README.md)' README.zh.md || { echo "readme-zh-test: README.zh.md does not link README.md"; status=1; }
[ "$status" -ne 0 ] || echo "README.zh.md is in step with README.md"
exit "$status"
