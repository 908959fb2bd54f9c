#!/usr/bin/env bash
# bench/open-cost.sh - what the open model costs the generator per request, against the closed
# model (issue 14, part 2; docs/benchmarks.md, "The open model's cost").
#
# nginx (one worker, bench/run.sh's tuned profile) on CPU 0 serves GET /hello; stressplan runs
# plans/bench.yaml on CPU 1 (`workers: 1`) for DUR seconds in these ways, interleaved REPS times:
#   closed     50 users, no think time: the saturated closed model (bench/run.sh's c50)
#   open-R     an open stage of R arrivals a second, for each R in RATES
#   closed-R   50 users whose think time makes about R requests a second: the closed model at
#              the open stage's rate, so it sleeps between requests as the open model does
#   spread-R   the same, but each think time is drawn from 0.5..1.5 x that mean, so the users
#              do not stay in step (closed-R's start together and think alike, and one wake-up
#              then sends many requests): the closed model as independent users run it
# For each run it prints the requests, the achieved rate, the dropped arrivals, the CPU per
# request of the whole process (the report's generator_cpu_s: user + system, start-up included)
# and of the load thread alone (the stage's load_threads_busy_avg x its duration), and the
# schedule's lateness: latency p50 (from the intended start) minus service time p50 (from the
# actual send). Every process it starts is stopped by pid on exit; traffic stays on 127.0.0.1.
#
#   bench/open-cost.sh                         # REPS=3 DUR=10 RATES="20000 100000"
#   STRESSPLAN=path/to/stressplan REPS=5 bench/open-cost.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SP=${STRESSPLAN:-$ROOT/build/release/bin/stressplan}
REPS=${REPS:-3}
DUR=${DUR:-10}
RATES=${RATES:-20000 100000}
PORT=${PORT:-18097}
die() { echo "bench/open-cost.sh: $*" >&2; exit 2; }
for v in REPS DUR PORT; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"; done
for r in $RATES; do  # closed-R's 50 users think 50/R s - 20 us: R up to 2 000 000/s
  [[ $r =~ ^[1-9][0-9]*$ ]] && [ "$r" -le 2000000 ] || die "RATES holds '$r', not an integer from 1 to 2000000"
done
[ -x "$SP" ] || die "no $SP (scripts/build.sh release)"
WORK=$(mktemp -d /tmp/stressplan-open-cost.XXXXXX)
for t in nginx taskset curl python3; do command -v "$t" >/dev/null || die "$t is missing"; done
. "$ROOT/bench/one-nginx.sh"
trap stop_nginx EXIT
start_nginx "$WORK" "$PORT"

run() {  # label stressplan-args... -> one line
  local label=$1 out="$WORK/$1.r$rep"
  shift
  TARGET_URL="http://127.0.0.1:$PORT" taskset -c 1 "$SP" run "$ROOT/plans/bench.yaml" --mode load \
    --report "$out" --quiet "$@" > "$out.log" 2>&1 || true
  [ -f "$out/report.json" ] || { echo "bench/open-cost.sh: no report for $label (see $out.log)" >&2; exit 3; }
  python3 - "$out/report.json" "$label" "$rep" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
n = s["requests"]
thread_s = sum(st["generator_cpu"]["load_threads_busy_avg"] * st["duration_s"] for st in s["stages"])
late = (s["latency_ms"]["p50"] - s["service_time_ms"]["p50"]) * 1000
print(f"{sys.argv[2]:<14} {sys.argv[3]:>3} {n:>9} {s['throughput_rps']:>10.0f} {s['dropped_iterations']:>7}"
      f" {s['generator_cpu_s'] * 1e6 / n:>12.2f} {thread_s * 1e6 / n:>11.2f} {late:>12.1f}")
PY
}
echo "run            rep  requests  requests/s dropped  process us/req  thread us/req  lateness p50 us"
for rep in $(seq "$REPS"); do
  run closed --users 50 --duration "${DUR}s"
  for rate in $RATES; do
    run "open-$rate" --set "profiles.bench.stages=[{duration: ${DUR}s, rate: ${rate}/s}]"
    # 50 users, each sleeping 50/rate between its requests (less the ~20 us nginx takes)
    think_us=$(( 50 * 1000000 / rate - 20 ))
    run "closed-$rate" --users 50 --duration "${DUR}s" --set "scenarios.0.think_time=${think_us}us"
    run "spread-$rate" --users 50 --duration "${DUR}s" \
      --set "scenarios.0.think_time=$(( think_us / 2 ))us..$(( think_us * 3 / 2 ))us"
  done
done
echo "(work folder: $WORK)"
