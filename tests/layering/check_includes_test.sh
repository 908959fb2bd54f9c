#!/usr/bin/env bash
# The include rule (scripts/check-includes.sh) holds in this tree, and the check sees each kind
# of violation: tests/layering/violations/ breaks every rule once.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
check="$root/scripts/check-includes.sh"

"$check" "$root" || { echo "FAIL: the tree breaks the include rule (above)"; exit 1; }

out=$("$check" "$root/tests/layering/violations" 2>&1)
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: a tree with violations gave exit code $rc, not 1"; exit 1; }
for expected in \
    "include/ may not include lib/: include/stressplan/bad.h:1:" \
    "lib/ may not include core/: lib/x/bad.cc:1:" \
    "core/ may not include plugins/: core/x/bad.cc:1:" \
    "plugins/ may not include core/: plugins/x/bad.cc:1:"; do
  grep -qF "$expected" <<<"$out" || { echo "FAIL: not reported: $expected"; echo "$out"; exit 1; }
done
[ "$(grep -c 'may not include' <<<"$out")" -eq 4 ] || { echo "FAIL: extra reports:"; echo "$out"; exit 1; }
echo "ok: the rule holds, and each kind of violation is reported"
