#!/usr/bin/env bash
# Formats the C++ sources with clang-format and .clang-format (Debian's clang-format 14).
#   scripts/format.sh            rewrites every file that differs
#   scripts/format.sh --check    changes nothing; lists the files that differ and fails if any does
#   scripts/format.sh FILE...    only these files
# clang-format has no option for POCO's documentation comments, which sit under the
# declaration they document, one level deeper: it would indent them like the next line.
# So each run of `///` lines is fenced with clang-format off/on for the formatter and the
# fences are taken out again.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  files=("$@")
fi

format() {  # file: the formatted text on standard output
  awk '
    /^[ \t]*\/\/\/( |$)/ { if (!fenced) { print "// clang-format off"; fenced = 1 } print; next }
    { if (fenced) { print "// clang-format on"; fenced = 0 } print }
    END { if (fenced) print "// clang-format on" }' "$1" \
    | clang-format --style=file --assume-filename="$1" \
    | sed -E '/^[[:space:]]*\/\/ clang-format (off|on)$/d'
}

differs=0
for file in "${files[@]}"; do
  formatted=$(format "$file"; echo x)  # the x keeps a last newline through $( )
  formatted=${formatted%x}
  if ! cmp -s <(printf '%s' "$formatted") "$file"; then
    differs=1
    if [ $check -eq 1 ]; then echo "$file"; else printf '%s' "$formatted" > "$file"; fi
  fi
done
if [ $check -eq 1 ] && [ $differs -eq 1 ]; then
  echo "scripts/format.sh: the files above are not formatted; run scripts/format.sh" >&2
  exit 1
fi
