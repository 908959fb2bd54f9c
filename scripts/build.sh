#!/usr/bin/env bash
# Configures and builds one flavour of stressplan into build/<flavour>.
#   scripts/build.sh release   optimised (benchmarks, real runs)
#   scripts/build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer (the test suite)
# Re-running only rebuilds what changed (Ninja, ccache when installed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
flavour="${1:-release}"
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DSTRESSPLAN_SANITIZE=OFF) ;;
  asan)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRESSPLAN_SANITIZE=ON) ;;
  *) echo "scripts/build.sh: unknown flavour '$flavour' (release or asan)" >&2; exit 2 ;;
esac
build="$root/build/$flavour"
# ccache across clean clones: key on paths relative to the source root.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build" -G Ninja "${args[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)"
