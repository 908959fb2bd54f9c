#!/usr/bin/env bash
# bench/proxy.sh - stressplan's fault proxy (plugins/chaos/proxy, no fault in) against nginx's
# own proxy_pass, on the same core (issue 14, part 3; docs/benchmarks.md, "The fault proxy").
#
# A backend nginx serving GET /hello and wrk -t1 -c50 share CPU 0; the proxy under test has CPU 1
# to itself: nginx with `proxy_pass` to a keep-alive upstream (one worker), or `stressplan run`
# of a plan whose only load is one user a second and whose `proxies:` entry forwards
# 127.0.0.1:18096 to the backend (protocol tcp, then http). Each run is DUR seconds; REPS runs
# of each, interleaved. Prints requests/s through each proxy and the proxy's CPU per request
# (its process time over the run: /proc/<pid>/stat). Every process it starts is stopped by pid
# on exit; all traffic stays on 127.0.0.1.
#
#   bench/proxy.sh                 # REPS=3 DUR=8
#   STRESSPLAN=path/to/stressplan REPS=5 bench/proxy.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SP=${STRESSPLAN:-$ROOT/build/release/bin/stressplan}
REPS=${REPS:-3}
DUR=${DUR:-8}
WORK=$(mktemp -d /tmp/stressplan-proxy-bench.XXXXXX)
[ -x "$SP" ] || { echo "bench/proxy.sh: no $SP (scripts/build.sh release)" >&2; exit 2; }
for t in nginx wrk taskset curl; do command -v "$t" >/dev/null || { echo "bench/proxy.sh: $t is missing" >&2; exit 2; }; done
for p in 18080 18095 18096; do
  [ -z "$(ss -Hltn "( sport = :$p )")" ] || { echo "bench/proxy.sh: something listens on 127.0.0.1:$p" >&2; exit 2; }
done
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mkdir -p "$WORK/tmp"
temp_paths() { for k in client_body proxy fastcgi uwsgi scgi; do echo "  ${k}_temp_path $WORK/tmp/$1-$k;"; done; }
cat > "$WORK/backend.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/backend.pid; error_log $WORK/backend.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000;
$(temp_paths backend)
  server { listen 127.0.0.1:18080; location /hello { default_type text/plain; return 200 "hello"; } }
}
CONF
cat > "$WORK/proxy_pass.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/proxy_pass.pid; error_log $WORK/proxy_pass.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000;
$(temp_paths proxy_pass)
  upstream backend { server 127.0.0.1:18080; keepalive 64; }
  server {
    listen 127.0.0.1:18095;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
for proto in tcp http; do
  cat > "$WORK/proxy-$proto.yaml" <<PLAN
name: proxy-bench
target: {plugin: http, base_url: "http://127.0.0.1:18080"}
scenarios: [{name: idle, think_time: 1s, requests: [{name: hello, path: /hello}]}]
profiles: {p: {stages: [{duration: $((DUR + 6))s, users: 1}]}}
profile: p
workers: 1
proxies: [{name: front, listen: "127.0.0.1:18096", upstream: "127.0.0.1:18080", protocol: $proto}]
reporters: [{plugin: json, path: report.json}]
PLAN
done

taskset -c 0 nginx -p "$WORK/" -c "$WORK/backend.conf" > "$WORK/backend.out" 2>&1 & PIDS+=($!)
taskset -c 1 nginx -p "$WORK/" -c "$WORK/proxy_pass.conf" > "$WORK/proxy_pass.out" 2>&1 & PIDS+=($!)
NGX_PROXY=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18095/hello > /dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:18095/hello > /dev/null || { echo "bench/proxy.sh: nginx did not start" >&2; exit 2; }
NGX_PROXY_WORKER=$(pgrep -P "$NGX_PROXY" | head -1)

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() {  # port pid -> "req/s us_per_request"
  local c0 c1 rps
  c0=$(ticks "$2")
  rps=$(taskset -c 0 wrk -t1 -c50 -d"${DUR}s" "http://127.0.0.1:$1/hello" | awk '/Requests\/sec/ {print $2}')
  c1=$(ticks "$2")
  awk -v r="$rps" -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v d="$DUR" \
    'BEGIN { printf "%.0f %.2f %.2f\n", r, c / hz * 1e6 / (r * d), c / hz / d }'
}
echo "proxy              rep  requests/s  proxy us/request  proxy busy (cores)"
for rep in $(seq "$REPS"); do
  read -r rps us busy < <(run_wrk 18095 "$NGX_PROXY_WORKER")
  printf "%-18s %3d  %10s  %16s  %s\n" nginx-proxy_pass "$rep" "$rps" "$us" "$busy"
  for proto in tcp http; do
    taskset -c 1 "$SP" run "$WORK/proxy-$proto.yaml" --report "$WORK/out-$proto-$rep" --quiet \
      > "$WORK/sp-$proto-$rep.log" 2>&1 &
    sp=$!; PIDS+=("$sp")
    for i in $(seq 50); do curl -sf http://127.0.0.1:18096/hello > /dev/null && break; sleep 0.1; done
    read -r rps us busy < <(run_wrk 18096 "$sp")
    printf "%-18s %3d  %10s  %16s  %s\n" "stressplan-$proto" "$rep" "$rps" "$us" "$busy"
    wait "$sp" || { echo "bench/proxy.sh: stressplan exited $? (see $WORK/sp-$proto-$rep.log)" >&2; exit 3; }
  done
done
echo "(work folder: $WORK)"
