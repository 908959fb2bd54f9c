#!/usr/bin/env bash
# Checks the include rule of docs/architecture.md ("What may include what"):
#
#   include/  <-  lib/  <-  core/, plugins/
#
# include/ (the C ABI) includes none of lib/, core/, plugins/; lib/ includes neither core/ nor
# plugins/; plugins/ never include core/, and core/ never includes plugins/. Prints each
# violation as file:line: the include, and exits 1 if there is any.
#
#   scripts/check-includes.sh [root]     root: the tree to check (default: this repository)
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"

# folder -> the top-level folders its files may not include
declare -A forbidden=(
  [include]="lib core plugins"
  [lib]="core plugins"
  [plugins]="core"
  [core]="plugins"
)

status=0
for folder in include lib core plugins; do
  [ -d "$root/$folder" ] || continue
  for banned in ${forbidden[$folder]}; do
    # Both spellings: #include "core/..." and #include <core/...>.
    if hits=$(cd "$root" && grep -rnE --include='*.h' --include='*.hpp' --include='*.c' \
        --include='*.cc' --include='*.cpp' "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]$banned/" \
        "$folder"); then
      while IFS= read -r hit; do
        echo "check-includes: $folder/ may not include $banned/: $hit" >&2
      done <<<"$hits"
      status=1
    fi
  done
done
[ $status -eq 0 ] && echo "check-includes: include/ <- lib/ <- core/, plugins/ holds"
exit $status
