#!/usr/bin/env bash
# bench/proxy.sh - stressplan's fault proxy (plugins/chaos/proxy, no fault in) against nginx's
# own proxy_pass on the same core (issue 14, part 3): bench/run.sh's proxy50 case on its own,
# in its own WORKDIR (docs/benchmarks.md, "What each case measures").
#
# A backend nginx serving GET /hello and wrk -t1 -c50 share CPU 0; the proxy under test has
# CPU 1 to itself: nginx with `proxy_pass` to a keep-alive upstream (one worker), or
# `stressplan run` of a plan whose only work is a `proxies:` entry forwarding to the backend.
# run.sh prints requests/s through each proxy, the proxy's CPU per request and the verdict
# (stressplan >= 1.0 x nginx's requests/s).
#
#   bench/proxy.sh                          # REPS=3 DUR=8, protocol http
#   PROXY_PROTOCOL=tcp REPS=5 bench/proxy.sh
#   STRESSPLAN=path/to/stressplan bench/proxy.sh
set -euo pipefail
export CASES=proxy50 TOOLS="stressplan nginx-proxy"
export REPS=${REPS:-3} DUR=${DUR:-8} WORKDIR=${WORKDIR:-/tmp/stressplan-bench-proxy}
exec "$(dirname "$0")/run.sh"
