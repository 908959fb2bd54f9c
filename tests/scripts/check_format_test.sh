#!/usr/bin/env bash
# scripts/check-format.sh in a scratch repository with this tree's .clang-format: a clean clone
# passes even where old code is not formatted; a change passes when the lines it touches are
# formatted, a moved file counts only for what changed in it, and a mis-formatted changed line
# fails (uncommitted, or committed on a branch), with the fix shown.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/scripts"
cp "$root/.clang-format" "$repo/"
cp "$root/scripts/check-format.sh" "$repo/scripts/"
cd "$repo"
git() { command git -c user.name=test -c user.email=test@localhost "$@"; }
git init -q -b main .

# Old code, not formatted: nobody changed it, so nobody is asked to format it.
printf 'int   Old( ) {return 1;}\n\nint Kept() { return 2; }\n' > old.cc
git add . && git commit -qm base

expect() {  # expect <exit code> <what> [text the output must contain]
  out="$(bash scripts/check-format.sh 2>&1)"
  rc=$?
  [ "$rc" -eq "$1" ] || { echo "FAIL: $2: exit $rc, not $1"; echo "$out"; exit 1; }
  [ -z "${3:-}" ] || grep -qF -- "$3" <<<"$out" || { echo "FAIL: $2: no '$3' in:"; echo "$out"; exit 1; }
}

expect 0 "a clean clone"
printf 'int   Old( ) {return 1;}\n\nint Kept() { return 3; }\n' > old.cc
expect 0 "a formatted change next to old code"
printf 'int   Old( ) {return 1;}\n\nint Kept() {return 3;}\n' > old.cc
expect 1 "a mis-formatted changed line" "+int Kept() { return 3; }"
git checkout -q old.cc
git mv old.cc moved.cc
expect 0 "a moved file, nothing changed in it"
git commit -qm move
expect 0 "a committed move on main"
git checkout -qb topic
printf 'int   Old( ) {return 1;}\n\nint Kept() { return 2; }\nint  New() {return 4;}\n' > moved.cc
git commit -qam "bad line"
expect 1 "a mis-formatted line committed on a branch" "+int New() { return 4; }"
echo "ok: only changed lines are checked, and a mis-formatted one fails"
