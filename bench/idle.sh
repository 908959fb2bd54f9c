#!/usr/bin/env bash
# bench/idle.sh - stressplan's memory per idle keep-alive connection, with N connections held
# open to one nginx (issue 14, part 4; docs/benchmarks.md, "Idle connections").
#
# One host:port gives one ephemeral port range of connections per source address (about 28 000
# with ip_local_port_range 32768-60999), so the run spreads its users over several loopback
# source addresses with the HTTP target's local_addresses (127.0.0.1-127.0.0.4 by default: all
# on `lo` already; no network namespace is used). A closed stage of N users, spawned at RATE a
# second on one load thread (workers: 1), each sends one GET and then thinks for an hour, so its
# keep-alive connection stays open and idle. stressplan's pool hands an idle connection to the
# next request that needs one, so the users' first requests must overlap for each to open its
# own: nginx sends /idle's ~150-byte response at `limit_rate` bytes a second, so that the first
# answer arrives ~20 s after the last user started (connect_timeout is 60 s: at 5000 new
# connections a second a SYN may wait for a full accept queue). Once nginx has sent every
# response and holds 99% of the users' connections idle, and `ss` counts as many established
# to the port, the script samples stressplan's VmRSS (/proc/<pid>/status) for SAMPLE seconds and
# reads VmHWM, then stops the run (SIGINT: users that think drain at once). The same with BASE
# users gives the fixed part; the verdict is on the marginal cost per idle connection,
# (RSS(N) - RSS(BASE)) / (connections(N) - connections(BASE)) <= 1 KiB.
#
# As root it raises the open-files limit (hard and soft, for its children only) to what N
# connections need, at most fs.nr_open. Where it cannot (root without CAP_SYS_RESOURCE, as on a
# VM whose hard limit is 20 000) it splits the users over PROCS stressplan processes, segments
# of the one plan (--segment I/PROCS), and sums their memory. Every process it starts is
# stopped by pid on exit; all traffic stays on 127.0.0.1. Runs under `nice` (NICE, default 10):
# it measures memory, not CPU.
#
#   bench/idle.sh                         # N=100000 BASE=1000 RATE=5000
#   N=20000 bench/idle.sh                 # a quicker check
#   STRESSPLAN=path/to/stressplan LOCAL="127.0.0.1 127.0.0.2" N=50000 bench/idle.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SP=${STRESSPLAN:-$ROOT/build/release/bin/stressplan}
N=${N:-100000}
BASE=${BASE:-1000}
RATE=${RATE:-5000}
SAMPLE=${SAMPLE:-5}
NICE=${NICE:-10}
PORT=${PORT:-18099}
LOCAL=${LOCAL:-127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4}
die() { echo "bench/idle.sh: $*" >&2; exit 2; }
for v in N BASE RATE SAMPLE PORT; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"; done
[[ $NICE =~ ^-?[0-9]+$ ]] || die "NICE must be an integer, not '$NICE'"
[ -x "$SP" ] || die "no $SP (scripts/build.sh release)"
WORK=$(mktemp -d /tmp/stressplan-idle-bench.XXXXXX)
for t in nginx curl ss awk; do command -v "$t" >/dev/null || die "$t is missing"; done
[ "$N" -gt "$BASE" ] || die "N ($N) must be above BASE ($BASE)"
[ -z "$(ss -Hltn "( sport = :$PORT )")" ] || die "something listens on 127.0.0.1:$PORT"

# Each source address has one port range towards 127.0.0.1:PORT.
read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range
n_local=$(wc -w <<< "$LOCAL")
[ $((N / n_local + 1)) -le $((hi - lo + 1)) ] ||
  die "$N connections need $((N / n_local + 1)) ports per source address, the range $lo-$hi has $((hi - lo + 1)); add addresses to LOCAL"
for a in $LOCAL; do
  ip -o addr show | grep -q "inet $a/" || [[ $a == 127.* ]] || die "$a is not an address of this host"
done
# Descriptors: N sockets each for nginx and the generator. One process may hold as many as its
# open-files limit: raised to what N needs when this shell may (root with CAP_SYS_RESOURCE),
# else the N users are split over PROCS stressplan processes, `--segment I/PROCS` of one plan
# (docs/distributed.md), and nginx gets workers enough (reuseport spreads the connections).
NOFILE=$((N + 4096))
[ "$NOFILE" -le "$(cat /proc/sys/fs/nr_open)" ] || die "N=$N needs $NOFILE open files, above fs.nr_open"
HARD=$(ulimit -Hn); [ "$HARD" = unlimited ] && HARD=$NOFILE
if [ "$HARD" -lt "$NOFILE" ] && ulimit -Hn "$NOFILE" 2>/dev/null; then HARD=$NOFILE; fi
ulimit -n "$HARD"
PER=$((HARD - 1024))  # connections one process is given, its own files aside
PROCS=${PROCS:-$(( (N + PER - 1) / PER ))}
NGINX_WORKERS=$(( (N + PER - 1) / PER + 1 ))
[ $((N / PROCS + 1024)) -le "$HARD" ] || die "PROCS=$PROCS: $((N / PROCS)) connections a process, over the open-files limit $HARD"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# nginx: NGINX_WORKERS workers, connections kept an hour, /idle slow (limit_rate, set below), /probe the
# same response at full speed (to measure its size), stub_status for the counts.
BODY="idle"
write_nginx_conf() {  # limit_rate
  mkdir -p "$WORK/tmp"
  cat > "$WORK/nginx.conf" <<CONF
daemon off; worker_processes $NGINX_WORKERS; pid $WORK/nginx.pid; error_log $WORK/nginx.log warn;
worker_rlimit_nofile $HARD;
events { worker_connections $((HARD - 64)); multi_accept on; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 3600s;
  client_body_temp_path $WORK/tmp/body; proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi; uwsgi_temp_path $WORK/tmp/uwsgi; scgi_temp_path $WORK/tmp/scgi;
  server {
    listen 127.0.0.1:$PORT backlog=65535 reuseport;
    default_type text/plain;
    location = /probe { return 200 "$BODY"; }
    location = /idle { limit_rate $1; return 200 "$BODY"; }
    location = /nginx_status { stub_status; }
  }
}
CONF
}
start_nginx() {
  nice -n "$NICE" nginx -p "$WORK/" -c "$WORK/nginx.conf" > "$WORK/nginx.out" 2>&1 & PIDS+=($!)
  NGINX=$!
  for i in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/probe" > /dev/null && return; sleep 0.1; done
  die "nginx did not start (see $WORK/nginx.log)"
}
stop_nginx() { kill -QUIT "$NGINX"; wait "$NGINX" 2>/dev/null || true; }

# The last user starts N / RATE seconds after the first: each answer takes ~20 s more.
write_nginx_conf 1000000
start_nginx
size=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/probe" | wc -c)
size=$((size + ${#BODY}))
stop_nginx
slow_s=$(( (N + RATE - 1) / RATE + 20 ))
LIMIT_RATE=$(( (size + slow_s - 1) / slow_s ))
write_nginx_conf "$LIMIT_RATE"
start_nginx

# stub_status: "reading writing waiting" (this request is one of those writing).
status() { curl -s --max-time 5 "http://127.0.0.1:$PORT/nginx_status" | awk 'NR == 4 {print $2, $4, $6}'; }
waiting() { status | awk '{print $3}'; }
established() { ss -Htn state established "( dport = :$PORT )" | wc -l; }
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

addresses=$(tr ' ' ',' <<< "$LOCAL")
cat > "$WORK/idle.yaml" <<PLAN
name: idle-connections
description: each user sends one GET, then keeps its connection idle for an hour (bench/idle.sh)
target: {plugin: http, base_url: "http://127.0.0.1:$PORT", connect_timeout: 60s, response_timeout: 5m}
scenarios: [{name: idle, think_time: 1h, requests: [{name: idle, path: /idle}]}]
profiles: {p: {stages: [{duration: 1h, users: $N, spawn_rate: $RATE}]}}
profile: p
workers: 1
reporters: [{plugin: json, path: report.json}]
PLAN
"$SP" validate "$WORK/idle.yaml" --set "target.local_addresses=[$addresses]" > /dev/null ||
  die "stressplan validate refused $WORK/idle.yaml"

# One run of `users` users in PROCS processes, started from this shell (their pids must reach
# cleanup): sets M_RSS (the median of SAMPLE readings of the processes' VmRSS summed, KiB),
# M_PEAK (their VmHWM summed, KiB) and M_CONN once every user's connection is established and
# idle.
sum_kib() { local t=0 p; for p in "${SPS[@]}"; do t=$((t + $(kib "$p" "$1"))); done; echo "$t"; }
measure() {
  local users=$1 deadline rss=() e=0 r w wr i p
  for i in $(seq 30); do [ "$(waiting)" = 0 ] && break; sleep 1; done  # the last run's are gone
  SPS=()
  for i in $(seq 0 $((PROCS - 1))); do
    nice -n "$NICE" "$SP" run "$WORK/idle.yaml" --users "$users" --spawn-rate "$RATE" --quiet \
      --segment "$i/$PROCS" --report "$WORK/out-$users-$i" \
      --set "target.local_addresses=[$addresses]" > "$WORK/run-$users-$i.log" 2>&1 & PIDS+=($!)
    SPS+=($!)
  done
  deadline=$((SECONDS + users / RATE + slow_s + 60))
  while [ $SECONDS -lt $deadline ]; do
    sleep 1
    for p in "${SPS[@]}"; do kill -0 "$p" 2>/dev/null || die "stressplan $p exited early (see $WORK/run-$users-*.log)"; done
    # Every response sent (nothing read or written but this status request) and 99% of the
    # users' connections idle: a user that started after the first answers may have taken
    # another's idle connection instead of opening its own.
    read -r r wr w < <(status)
    [ "${r:-1}" = 0 ] && [ "${wr:-2}" -le 1 ] && [ $((${w:-0} * 100)) -ge $((users * 99)) ] || continue
    e=$(established); [ $((e * 100)) -ge $((users * 99)) ] && break
  done
  [ $((e * 100)) -ge $((users * 99)) ] ||
    die "$users users: $e connections established, nginx: ${r:-?} reading ${wr:-?} writing ${w:-?} idle, in time (see $WORK)"
  for i in $(seq "$SAMPLE"); do rss+=("$(sum_kib VmRSS)"); sleep 1; done
  M_PEAK=$(sum_kib VmHWM)
  M_CONN=$(established)
  M_RSS=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  for p in "${SPS[@]}"; do kill -INT "$p"; done
  for p in "${SPS[@]}"; do wait "$p" || true; done  # 130: interrupted, as asked; users only thought
}

echo "bench/idle.sh: $("$SP" version | head -1), N=$N BASE=$BASE, spawn $RATE/s, workers: 1"
echo "open-files limit $HARD: $PROCS stressplan process(es) (--segment I/$PROCS), $NGINX_WORKERS nginx workers"
echo "technique: several loopback source addresses (local_addresses: $LOCAL), no network namespace"
echo "nginx /idle: $size bytes at limit_rate $LIMIT_RATE B/s (~$slow_s s per first response)"
measure "$BASE"; base_rss=$M_RSS base_peak=$M_PEAK base_conn=$M_CONN
measure "$N"; n_rss=$M_RSS n_peak=$M_PEAK n_conn=$M_CONN
awk -v n="$N" -v b="$BASE" -v nr="$n_rss" -v np="$n_peak" -v nc="$n_conn" -v br="$base_rss" \
    -v bp="$base_peak" -v bc="$base_conn" 'BEGIN {
  printf "%-7s %12s %12s %14s %12s\n", "users", "established", "VmRSS KiB", "VmHWM KiB", "RSS/conn B"
  # (VmRSS and VmHWM: the stressplan processes summed)
  printf "%-7d %12d %12d %14d %12.0f\n", b, bc, br, bp, br * 1024 / bc
  printf "%-7d %12d %12d %14d %12.0f\n", n, nc, nr, np, nr * 1024 / nc
  m = (nr - br) * 1024 / (nc - bc)
  printf "marginal (RSS(%d) - RSS(%d)) / (%d - %d connections) = %.0f bytes per idle connection (target <= 1024) - %s\n",
         n, b, nc, bc, m, m <= 1024 ? "PASS" : "FAIL"
}'
echo "(work folder: $WORK)"
