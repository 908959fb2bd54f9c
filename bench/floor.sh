#!/usr/bin/env bash
# bench/floor.sh - how far stressplan's CPU per request is from the floor, and whether io_uring
# lowers the floor (issue 14, part 2; docs/benchmarks.md, "The floor").
#
# nginx (one worker, bench/run.sh's tuned profile) on CPU 0 serves GET /hello. On CPU 1, for
# each connection count in CONNS, interleaved REPS times, DUR seconds each:
#   floor-epoll  bench/floor/floor.cc with epoll: one send and one recv per request, nothing else
#   floor-uring  the same requests through io_uring (liburing), completions reaped in batches
#   stressplan   plans/bench.yaml with --users N (every metric on)
#   wrk          wrk -t1 -cN
# and then, REPS times, floor's `wake` mode: the CPU one 40 µs epoll_pwait2 sleep costs.
# Each tool's CPU per request is its user + system time (/usr/bin/time) over its requests.
# floor is built here with g++ and liburing-dev (installed through apt-get when missing, as
# root). Every process it starts is stopped by pid on exit; traffic stays on 127.0.0.1.
#
#   bench/floor.sh                          # REPS=3 DUR=10 CONNS="50 1000"
#   STRESSPLAN=path/to/stressplan REPS=5 bench/floor.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SP=${STRESSPLAN:-$ROOT/build/release/bin/stressplan}
REPS=${REPS:-3}
DUR=${DUR:-10}
CONNS=${CONNS:-50 1000}
PORT=${PORT:-18098}
die() { echo "bench/floor.sh: $*" >&2; exit 2; }
for v in REPS DUR PORT; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"; done
for c in $CONNS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "CONNS holds '$c', not a positive integer"; done
[ -x "$SP" ] || die "no $SP (scripts/build.sh release)"
WORK=$(mktemp -d /tmp/stressplan-floor.XXXXXX)
if [ ! -f /usr/include/liburing.h ]; then
  [ "$(id -u)" = 0 ] || die "liburing-dev is missing (apt-get install liburing-dev)"
  apt-get install -y liburing-dev > "$WORK/apt.log" 2>&1 || die "apt-get install liburing-dev failed (see $WORK/apt.log)"
fi
for t in nginx wrk taskset curl python3 g++ /usr/bin/time; do command -v "$t" >/dev/null || die "$t is missing"; done
g++ -O2 -std=c++17 -o "$WORK/floor" "$ROOT/bench/floor/floor.cc" -luring || die "floor.cc did not build"
ulimit -n "$(ulimit -Hn)"
. "$ROOT/bench/one-nginx.sh"
trap stop_nginx EXIT
start_nginx "$WORK" "$PORT"

cpu_s() { awk '{print $1 + $2}' "$1"; }  # the /usr/bin/time -f '%U %S' file's last line
measure() {  # tool connections -> "requests cpu_s"
  local t=$1 c=$2 out="$WORK/$1.c$2.r$rep"
  case $t in
    floor-*)
      /usr/bin/time -f '%U %S' -o "$out.time" taskset -c 1 "$WORK/floor" "${t#floor-}" 127.0.0.1 "$PORT" "$c" "$DUR" > "$out.log"
      echo "$(awk '{print $5}' "$out.log") $(tail -1 "$out.time" | cpu_s /dev/stdin)" ;;
    stressplan)
      TARGET_URL="http://127.0.0.1:$PORT" /usr/bin/time -f '%U %S' -o "$out.time" taskset -c 1 "$SP" run \
        "$ROOT/plans/bench.yaml" --mode load --users "$c" --duration "${DUR}s" --report "$out" --quiet > "$out.log" 2>&1
      echo "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["requests"])' "$out/report.json") $(tail -1 "$out.time" | cpu_s /dev/stdin)" ;;
    wrk)
      /usr/bin/time -f '%U %S' -o "$out.time" taskset -c 1 wrk -t1 -c"$c" -d"${DUR}s" "http://127.0.0.1:$PORT/hello" > "$out.log"
      echo "$(awk '/requests in/ {print $1}' "$out.log") $(tail -1 "$out.time" | cpu_s /dev/stdin)" ;;
  esac
}
echo "tool          conns rep   requests   cpu s  us/request"
for rep in $(seq "$REPS"); do
  for c in $CONNS; do
    for t in floor-epoll floor-uring stressplan wrk; do
      read -r n cpu < <(measure "$t" "$c")
      awk -v t="$t" -v c="$c" -v r="$rep" -v n="$n" -v cpu="$cpu" \
        'BEGIN { printf "%-12s %6d %3d %10d %7.2f %11.3f\n", t, c, r, n, cpu, cpu * 1e6 / n }'
    done
  done
done
# What one timed sleep and wake-up costs a thread here (the open model's floor, bench/open-cost.sh)
for rep in $(seq "$REPS"); do taskset -c 1 "$WORK/floor" wake 100000 40; done
echo "(work folder: $WORK)"
