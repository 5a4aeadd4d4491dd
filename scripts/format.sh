#!/usr/bin/env bash
# The C, C++ and header files in the style of .clang-format (clang-format 14, Debian's).
#   bash scripts/format.sh          # format them in place
#   bash scripts/format.sh --check  # list the files that differ and exit 1 (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h' '*.hpp' | grep -v -E '^(tests/hostile|fuzz/corpus)/')
if [[ "${1:-}" == "--check" ]]; then
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    printf 'format: not in the style of .clang-format (run bash scripts/format.sh):\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files in style"
else
  clang-format -i "${files[@]}"
fi
