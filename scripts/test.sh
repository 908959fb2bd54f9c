#!/usr/bin/env bash
# The whole test suite: install what is needed, build with ASan+UBSan, run every test.
# Extra arguments go to ctest (e.g. -R unit. to run only the unit tests).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" asan
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$root/build/asan"
ctest --output-on-failure --timeout 300 -j 2 "$@"
