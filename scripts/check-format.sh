#!/usr/bin/env bash
# Checks the layout of the C and C++ lines a change touched against .clang-format, with
# Debian's clang-format 14 (clang-format-diff-14). Lines nobody changed are left alone, so the
# tree is formatted file by file as it is edited, never all at once; a moved file counts only
# for the lines that changed in it (git diff -M).
#   scripts/check-format.sh          changes since the merge base with main, committed or not
#   scripts/check-format.sh REV      changes since REV
# A clean clone of main has nothing changed and passes. Exit 1 with the diff that would fix
# the layout, 0 when every changed line is formatted as .clang-format says.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format-diff-14 >/dev/null || scripts/install-deps.sh clang-format-14

base="${1:-}"
if [ -z "$base" ]; then
  for main in main origin/main; do
    if git rev-parse -q --verify "$main^{commit}" >/dev/null; then
      base="$(git merge-base HEAD "$main")"
      break
    fi
  done
fi
base="${base:-HEAD}"  # no main to compare with: what is not committed yet
short="$(git rev-parse --short "$base")"

fix="$(git diff -M -U0 --no-color "$base" -- '*.c' '*.h' '*.cc' |
       clang-format-diff-14 -p1 -binary clang-format-14)"
if [ -n "$fix" ]; then
  echo "check-format: lines changed since $short are not formatted as .clang-format says;" \
       "this diff fixes them (or run: git diff -U0 $short | clang-format-diff-14 -p1 -i):"
  echo "$fix"
  exit 1
fi
echo "check-format: the C and C++ lines changed since $short are formatted"
