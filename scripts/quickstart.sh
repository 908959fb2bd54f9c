#!/usr/bin/env bash
# On a fresh Debian 12 machine: install what is needed, build, and run plans/full.yaml against
# the demo target the build produced. Extra arguments go to `stressplan run`
# (e.g. --profile spike, --report out/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" release
exec "$root/build/release/bin/stressplan" run "$root/plans/full.yaml" --report "$root/reports" "$@"
