#!/usr/bin/env bash
# Installs stressplan from this checkout into $STRESSPLAN_PREFIX for a CI job (docs/ci.md), on
# Debian 12 as root (the examples run in a debian:12 container): installs the Debian packages
# the build needs (scripts/install-deps.sh), builds a Release (scripts/build.sh release) and
# runs `cmake --install` into the prefix. examples/ci/load-test.sh then runs
# $STRESSPLAN_PREFIX/bin/stressplan, which finds its plugins and stressplan-demo beside it.
#
#   STRESSPLAN_PREFIX=/opt/stressplan examples/ci/install-stressplan.sh
#
# STRESSPLAN_BUILD_DIR names a build tree that is already configured (a cached one, or the one
# the tests run from): it is brought up to date and installed instead of build/release.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix="${STRESSPLAN_PREFIX:?set STRESSPLAN_PREFIX to the folder to install stressplan into}"

"$root/scripts/install-deps.sh"
build="${STRESSPLAN_BUILD_DIR:-}"
if [ -z "$build" ]; then
  "$root/scripts/build.sh" release
  build="$root/build/release"
else
  cmake --build "$build"
fi
cmake --install "$build" --prefix "$prefix" >/dev/null
"$prefix/bin/stressplan" version
