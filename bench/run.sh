#!/usr/bin/env bash
# bench/run.sh - stressplan's HTTP load generator against wrk and locust on one core, its HTTP/2
# against h2load, plus its memory at 10 000 connections, its open-model accuracy and
# (optionally) its memory over a soak; the same generator against wrk with the project's sink
# server instead of nginx (one core, then two), and its fault proxy against nginx's proxy_pass.
# See docs/benchmarks.md.
#
# Starts its own nginx (1 worker, pinned to CPU 0) on 127.0.0.1:18080 serving GET /hello (and
# the same in h2c, prior-knowledge HTTP/2, on 127.0.0.1:18081) and
# runs each generator pinned to CPU 1 inside `/usr/bin/time -v` (peak RSS, CPU seconds) and
# `timeout` (hard limit). The sink cases use bench/sink's server on 127.0.0.1:18090 instead
# (CPU 0; c50x2 lets the server and both generator threads use both CPUs); proxy50 puts wrk
# beside nginx on CPU 0 and the proxy under test on CPU 1. Each case runs REPS times, interleaved (rep 1 of every tool, then rep 2,
# ...), after waiting for the machine to be idle; the table gives medians. Every process it
# starts is stopped on exit (also on Ctrl-C); all traffic goes to 127.0.0.1 only.
#
# Usage (from anywhere; it runs from the project root):
#   bench/run.sh                                   # REPS=3, about 15 minutes on 2 idle cores
#   REPS=1 bench/run.sh                            # one repetition (smoke test)
#   BENCH_SOAK=1 bench/run.sh                      # adds the 10-minute soak at 1000 users
#   CASES="c50 c1000" TOOLS="stressplan wrk" bench/run.sh
# Env:
#   REPS (3)            repetitions of every case and tool
#   DUR (10)            seconds of load per run
#   STRESSPLAN          the binary (build/release/bin/stressplan; built with
#                       `scripts/build.sh release` when the default is missing)
#   WORKDIR             results and scratch (/tmp/stressplan-bench): summary.md, runs.tsv,
#                       discarded.tsv, versions.txt, raw/ (every run's output and report)
#   CASES               c50 c1000 sink50 sink1000 c50x2 h2c50 h2c50m10 tls50 h2tls50 c10000-rss
#                       open20k closed20k proxy50 (soak is added by BENCH_SOAK=1)
#   TOOLS               stressplan wrk locust h2load nginx-proxy (proxy50 compares the proxies
#                       stressplan and nginx-proxy; wrk is its load whatever TOOLS says)
#   SINK                the sink server (build/release/bench/stressplan-bench-sink; built
#                       when the default is missing)
#   PROXY_PROTOCOL      the fault proxy's protocol in proxy50: http (the default) or tcp
#   BENCH_SOAK (0)      1 = also run the soak (SOAK_USERS users, RSS at 1 min and SOAK_SECONDS)
#   SOAK_USERS (1000)  SOAK_SECONDS (600)
#   RSS_USERS (10000)   users held open by the c10000-rss case
#   OPEN_RATE (20000)   planned rate of the open20k case, per second (closed20k: the same rate
#                       from 50 closed users; 1 to 2 000 000)
#   IDLE_CORES (0.15)   the machine counts as idle below this many busy cores ...
#   IDLE_MAX (30)       ... waited for at most this many seconds before each run
#   FOREIGN_MAX (0.10)  cores used by other processes during a run that make it "contended"
#   RETRIES (1)         reruns of a contended run (the last attempt counts)
#   NGINX_PROFILE       how nginx is configured (docs/benchmarks.md, "Server profiles"): tuned
#                       (the default: multi_accept on, tcp_nodelay on, listen backlog=4096,
#                       location /hello with default_type) or plain (Debian's defaults for all
#                       three, location /). Run the script once per profile, each with its own
#                       WORKDIR, to report both.
# Needs (installed here with apt-get when missing): nginx-light (through
# scripts/install-deps.sh), wrk, python3-locust, nghttp2-client (h2load), time, iproute2,
# procps, curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# a relative STRESSPLAN given by the caller is relative to where the caller stands
[ -n "${STRESSPLAN:-}" ] && [[ $STRESSPLAN != /* ]] && STRESSPLAN=$PWD/$STRESSPLAN
[ -n "${SINK:-}" ] && [[ $SINK != /* ]] && SINK=$PWD/$SINK
cd "$ROOT"
# the command as given (the variables set in the environment), for the summary
INVOCATION=""
for v in REPS DUR STRESSPLAN SINK WORKDIR CASES TOOLS BENCH_SOAK SOAK_USERS SOAK_SECONDS RSS_USERS \
         OPEN_RATE IDLE_CORES IDLE_MAX FOREIGN_MAX RETRIES NGINX_PROFILE PROXY_PROTOCOL; do
  [ -n "${!v+x}" ] && INVOCATION+="$v=$(printf '%q' "${!v}") "
done
INVOCATION+="bench/run.sh"

REPS=${REPS:-3}
DUR=${DUR:-10}
WORKDIR=${WORKDIR:-/tmp/stressplan-bench}
STRESSPLAN=${STRESSPLAN:-build/release/bin/stressplan}
BENCH_SOAK=${BENCH_SOAK:-0}
SINK=${SINK:-build/release/bench/stressplan-bench-sink}
CASES=${CASES:-c50 c1000 sink50 sink1000 c50x2 h2c50 h2c50m10 tls50 h2tls50 c10000-rss open20k closed20k proxy50}
TOOLS=${TOOLS:-stressplan wrk locust h2load nginx-proxy}
PROXY_PROTOCOL=${PROXY_PROTOCOL:-http}
SOAK_USERS=${SOAK_USERS:-1000}
SOAK_SECONDS=${SOAK_SECONDS:-600}
RSS_USERS=${RSS_USERS:-10000}
RSS_TARGET_MIB=256
OPEN_RATE=${OPEN_RATE:-20000}
IDLE_CORES=${IDLE_CORES:-0.15}
IDLE_MAX=${IDLE_MAX:-30}
FOREIGN_MAX=${FOREIGN_MAX:-0.10}
RETRIES=${RETRIES:-1}
NGINX_PROFILE=${NGINX_PROFILE:-tuned}
case $NGINX_PROFILE in
  tuned) NGX_EVENTS="multi_accept on;"; NGX_NODELAY="tcp_nodelay on;"; NGX_BACKLOG=" backlog=4096"
         NGX_LOCATION="location /hello { default_type text/plain; return 200 \"hello\"; }" ;;
  plain) NGX_EVENTS=""; NGX_NODELAY=""; NGX_BACKLOG=""
         NGX_LOCATION="location / { return 200 \"hello\"; }" ;;
  *) echo "bench/run.sh: NGINX_PROFILE must be tuned or plain, got '$NGINX_PROFILE'" >&2; exit 2 ;;
esac

HOST=127.0.0.1
PORT=18080
URL=http://$HOST:$PORT
H2PORT=18081             # the same nginx server, h2c (prior knowledge)
H2URL=http://$HOST:$H2PORT
TLSPORT=18443            # the same server over TLS: HTTP/1.1 (tls50) ...
TLSURL=https://$HOST:$TLSPORT
H2TLSPORT=18444          # ... and HTTP/2 negotiated by ALPN (h2tls50)
H2TLSURL=https://$HOST:$H2TLSPORT
SINKPORT=18090           # bench/sink's server (sink50, sink1000, c50x2)
SINKURL=http://$HOST:$SINKPORT
NGXPROXYPORT=18095       # proxy50: nginx's proxy_pass to the nginx above ...
SPPROXYPORT=18096        # ... and stressplan's fault proxy to it
SRV_CPU=0
CLI_CPU=1
PLAN=plans/bench.yaml
PY=/usr/bin/python3        # Debian's python: the one python3-locust installs into
LOCUST=/usr/bin/locust
RESULTS=$ROOT/bench/results.py

die() { echo "bench/run.sh: $*" >&2; exit 2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_uint "$REPS" && [ "$REPS" -ge 1 ] || die "REPS must be a whole number >= 1, got '$REPS'"
is_uint "$DUR" && [ "$DUR" -ge 2 ] || die "DUR must be a whole number of seconds >= 2, got '$DUR'"
is_uint "$SOAK_SECONDS" && [ "$SOAK_SECONDS" -gt 60 ] || die "SOAK_SECONDS must be > 60, got '$SOAK_SECONDS'"
is_uint "$RETRIES" || die "RETRIES must be a whole number, got '$RETRIES'"
# closed20k's 50 users think 50/OPEN_RATE s - 20 us on average: positive up to 2 000 000/s
is_uint "$OPEN_RATE" && [ "$OPEN_RATE" -ge 1 ] && [ "$OPEN_RATE" -le 2000000 ] ||
  die "OPEN_RATE must be a whole number from 1 to 2000000 (per second), got '$OPEN_RATE'"
[ "$BENCH_SOAK" = 1 ] && [[ " $CASES " != *" soak "* ]] && CASES="$CASES soak"
for c in $CASES; do
  case $c in
    c50|c1000|sink50|sink1000|c50x2|h2c50|h2c50m10|tls50|h2tls50|c10000-rss|open20k|closed20k|proxy50|soak) ;;
    *) die "unknown case '$c' (c50 c1000 sink50 sink1000 c50x2 h2c50 h2c50m10 tls50 h2tls50 c10000-rss open20k closed20k proxy50 soak)" ;;
  esac
done
for t in $TOOLS; do
  case $t in stressplan|wrk|locust|h2load|nginx-proxy) ;; *) die "unknown tool '$t' (stressplan wrk locust h2load nginx-proxy)" ;; esac
done
case $PROXY_PROTOCOL in http|tcp) ;; *) die "PROXY_PROTOCOL must be http or tcp, got '$PROXY_PROTOCOL'" ;; esac
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (nginx on CPU $SRV_CPU, the generator on CPU $CLI_CPU)"
has() { [[ " $2 " == *" $1 "* ]]; }
uses_sink() { has sink50 "$CASES" || has sink1000 "$CASES" || has c50x2 "$CASES"; }

# ------------------------------------------------------------------ dependencies (idempotent)
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
ensure_packages() {
  local missing=() p sudo=""
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== apt-get install ${missing[*]} (log: $WORKDIR/apt.log)"
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  mkdir -p "$WORKDIR"
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } > "$WORKDIR/apt.log" 2>&1 || { tail -20 "$WORKDIR/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}
pkg_installed nginx-light || scripts/install-deps.sh   # the project's own deps bring nginx-light
pkgs=(time iproute2 procps util-linux coreutils curl python3 openssl)
{ has wrk "$TOOLS" || has proxy50 "$CASES"; } && pkgs+=(wrk)   # wrk is proxy50's load
has locust "$TOOLS" && pkgs+=(python3-locust)
has h2load "$TOOLS" && pkgs+=(nghttp2-client)
ensure_packages "${pkgs[@]}"
for t in nginx taskset timeout ss pgrep curl openssl; do command -v "$t" >/dev/null || die "missing tool: $t"; done
[ -x /usr/bin/time ] || die "missing /usr/bin/time"
[ -x "$PY" ] || die "missing $PY"
if has locust "$TOOLS"; then
  [ -x "$LOCUST" ] || die "missing $LOCUST"
  "$PY" -c 'import locust.contrib.fasthttp' 2>/dev/null || die "$PY cannot import locust's FastHttpUser"
fi

# ------------------------------------------------------------------ the stressplan binary
if [ ! -x "$STRESSPLAN" ]; then
  [ "$STRESSPLAN" = build/release/bin/stressplan ] || die "STRESSPLAN=$STRESSPLAN is not an executable"
  echo "== $STRESSPLAN is missing: scripts/build.sh release"
  scripts/build.sh release || echo "   (scripts/build.sh release failed; using the binary if it was linked anyway)"
  [ -x "$STRESSPLAN" ] || die "the build did not produce $STRESSPLAN"
fi
SP_ORIG=$(cd "$(dirname "$STRESSPLAN")" && pwd)/$(basename "$STRESSPLAN")
# Measure one build from start to end even if the tree is rebuilt meanwhile: run a copy of the
# binary and of its plugins (found in ../lib/stressplan/plugins next to it).
SP=$SP_ORIG
if [ -d "$(dirname "$SP_ORIG")/../lib/stressplan/plugins" ]; then
  rm -rf "$WORKDIR/stressplan"
  mkdir -p "$WORKDIR/stressplan/bin" "$WORKDIR/stressplan/lib/stressplan"
  cp -p "$SP_ORIG" "$WORKDIR/stressplan/bin/stressplan"
  cp -rp "$(dirname "$SP_ORIG")/../lib/stressplan/plugins" "$WORKDIR/stressplan/lib/stressplan/"
  SP=$WORKDIR/stressplan/bin/stressplan
fi
"$SP" validate "$PLAN" >/dev/null || die "$SP validate $PLAN failed (above)"

# ------------------------------------------------------------------ the sink server
SK=""
if uses_sink; then
  if [ ! -x "$SINK" ]; then
    [ "$SINK" = build/release/bench/stressplan-bench-sink ] || die "SINK=$SINK is not an executable"
    echo "== $SINK is missing: building the stressplan-bench-sink target"
    if [ -f build/release/build.ninja ]; then
      cmake --build build/release --target stressplan-bench-sink || true
    else
      scripts/build.sh release || true
    fi
    [ -x "$SINK" ] || die "the build did not produce $SINK"
  fi
  mkdir -p "$WORKDIR/sink"
  SK=$WORKDIR/sink/stressplan-bench-sink   # a copy, for the same reason as stressplan's
  cp -p "$SINK" "$SK"
fi

# ------------------------------------------------------------------ work dir, limits, versions
RAW=$WORKDIR/raw
NGX=$WORKDIR/nginx
mkdir -p "$RAW" "$NGX/tmp"
rm -rf "${RAW:?}"/* "$WORKDIR/runs.tsv" "$WORKDIR/discarded.tsv" "$WORKDIR/summary.md"
chmod 755 "$WORKDIR" "$NGX"   # nginx's worker runs as nobody when we are root
HZ=$(getconf CLK_TCK)

# file descriptors: the 10 000-connection case needs > 10 000 in nginx and in stressplan
NOFILE=$(ulimit -Hn); [ "$NOFILE" = unlimited ] && NOFILE=65536
[ "$NOFILE" -gt 65536 ] && NOFILE=65536
ulimit -n "$NOFILE"
WCONN=$((NOFILE - 256)); [ "$WCONN" -gt 16384 ] && WCONN=16384
RSS_SKIPPED=""
if has c10000-rss "$CASES" && [ "$WCONN" -lt $((RSS_USERS + 500)) ]; then
  RSS_SKIPPED="the open-files limit is $NOFILE (hard); $RSS_USERS connections need about $((RSS_USERS + 756))"
  echo "== c10000-rss skipped: $RSS_SKIPPED"
  CASES=$(echo " $CASES " | sed 's/ c10000-rss / /; s/^ *//; s/ *$//')
fi

# open model: only if this build's plan language accepts `rate:` in a stage
OPEN_SET="profiles.bench.stages=[{duration: ${DUR}s, rate: ${OPEN_RATE}/s}]"
# closed20k: 50 users, each think time drawn from 0.5..1.5 x the mean that gives OPEN_RATE
# requests a second (less the ~20 us nginx takes), so the users do not wake in step
THINK_US=$(( 50 * 1000000 / OPEN_RATE - 20 ))
CLOSED_RATE_SET="scenarios.0.think_time=$(( THINK_US / 2 ))us..$(( THINK_US * 3 / 2 ))us"
OPEN_SKIPPED=""
if has open20k "$CASES"; then
  if ! "$SP" validate "$PLAN" --set "$OPEN_SET" > "$WORKDIR/open-validate.txt" 2>&1; then
    echo "open model not available in this build"
    sed 's/^/   /' "$WORKDIR/open-validate.txt" | head -3
    OPEN_SKIPPED="open model not available in this build (\`stressplan validate\` refused \`rate:\` in a stage: $(head -1 "$WORKDIR/open-validate.txt" | cut -c1-200))"
    CASES=$(echo " $CASES " | sed 's/ open20k / /; s/^ *//; s/ *$//')
  fi
fi

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc), Debian $(cat /etc/debian_version)"
  echo "stressplan: $SP_ORIG ($("$SP" version 2>&1 | head -1)), built $(date -u -r "$SP_ORIG" +%FT%TZ), run as $SP"
  echo "tree at the start of the run (the binary may be older, see its build time): HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(git status --porcelain -- core plugins include 2>/dev/null | wc -l) modified file(s) under core/ plugins/ include/"
  [ -n "$SK" ] && echo "sink: $SINK, built $(date -u -r "$SINK" +%FT%TZ), run as $SK"
  echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  dpkg-query -W -f='deb: ${Package} ${Version}\n' nginx-light wrk python3-locust python3-geventhttpclient nghttp2-client 2>/dev/null || true
  echo "open files: $NOFILE; nginx worker_connections $WCONN"
} > "$WORKDIR/versions.txt"

# ------------------------------------------------------------------ nginx
# The TLS cases' certificate: self-signed for 127.0.0.1, made once per run. No client verifies it
# (wrk and h2load never do; stressplan gets --set target.insecure=true), so all pay the same:
# one handshake per connection (ECDSA P-256, TLS 1.3), then AES-GCM on every request.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$NGX/server.key" -out "$NGX/server.crt" > "$NGX/openssl.log" 2>&1 ||
  { cat "$NGX/openssl.log" >&2; die "openssl could not make the TLS cases' certificate"; }
cat > "$NGX/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $NOFILE;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections $WCONN; use epoll; $NGX_EVENTS }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  $NGX_NODELAY
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  server {
    listen $HOST:$PORT$NGX_BACKLOG;
    listen $HOST:$H2PORT http2$NGX_BACKLOG;
    listen $HOST:$TLSPORT ssl$NGX_BACKLOG;
    listen $HOST:$H2TLSPORT ssl http2$NGX_BACKLOG;
    ssl_certificate $NGX/server.crt;
    ssl_certificate_key $NGX/server.key;
    $NGX_LOCATION
    location = /nginx_status { stub_status; }
  }
}
EOF
# proxy50's proxies, both forwarding to the nginx above over keep-alive connections: nginx's
# proxy_pass (one worker on CPU 1), and a plan whose only work is stressplan's fault proxy with
# no fault in (its one user makes one request at the start, before the run's count begins).
cat > "$NGX/proxy.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $NOFILE;
pid $NGX/proxy.pid;
error_log $NGX/proxy-error.log warn;
events { worker_connections $WCONN; use epoll; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $NGX/tmp/proxy-body;
  proxy_temp_path $NGX/tmp/proxy-proxy;
  fastcgi_temp_path $NGX/tmp/proxy-fastcgi;
  uwsgi_temp_path $NGX/tmp/proxy-uwsgi;
  scgi_temp_path $NGX/tmp/proxy-scgi;
  upstream backend { server $HOST:$PORT; keepalive 64; }
  server {
    listen $HOST:$NGXPROXYPORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
cat > "$WORKDIR/proxy-plan.yaml" <<EOF
name: proxy-bench
target: {plugin: http, base_url: "$URL"}
scenarios: [{name: once, think_time: $((DUR + 120))s, requests: [{name: hello, path: /hello}]}]
profiles: {p: {stages: [{duration: $((DUR + 60))s, users: 1}]}}
profile: p
workers: 1
proxies: [{name: front, listen: "$HOST:$SPPROXYPORT", upstream: "$HOST:$PORT", protocol: $PROXY_PROTOCOL}]
reporters: [{plugin: json, path: report.json}]
EOF

NGINX_PID=""; NGINX_WORKER=""; CLIENT_PID=""
SINK_PID=""; NGXPROXY_PID=""; NGXPROXY_WORKER=""; SPPROXY_PID=""
alive() {  # a running (not zombie) process
  local s
  s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$s" ] && [ "$s" != Z ]
}
port_free() { [ -z "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ] || die "something already listens on $HOST:$1"; }
start_nginx() {
  local p
  for p in "$PORT" "$H2PORT" "$TLSPORT" "$H2TLSPORT"; do port_free "$p"; done
  uses_sink && port_free "$SINKPORT"
  has proxy50 "$CASES" && { port_free "$NGXPROXYPORT"; port_free "$SPPROXYPORT"; }
  taskset -c "$SRV_CPU" nginx -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" > "$NGX/stdout" 2>&1 &
  NGINX_PID=$!
  local i
  for i in $(seq 50); do
    [ "$(curl -s --max-time 1 "$URL/hello" 2>/dev/null)" = hello ] && break
    alive "$NGINX_PID" || { cat "$NGX/stdout" "$NGX/error.log" >&2; NGINX_PID=""; die "nginx did not start"; }
    sleep 0.1
  done
  [ "$(curl -s --max-time 1 "$URL/hello")" = hello ] || die "nginx does not answer GET /hello with 'hello'"
  NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1 || true)
  [ -n "$NGINX_WORKER" ] || die "nginx worker not found"
}
stop_master() {  # pid worker: an nginx we started gets QUIT, then TERM, then KILL
  [ -n "$1" ] || return 0
  local i
  kill -QUIT "$1" 2>/dev/null || true
  for i in $(seq 50); do alive "$1" || break; sleep 0.1; done
  if alive "$1"; then
    kill -TERM "$1" 2>/dev/null || true
    for i in $(seq 30); do alive "$1" || break; sleep 0.1; done
  fi
  if alive "$1"; then
    kill -KILL "$1" 2>/dev/null || true
    [ -n "$2" ] && { kill -KILL "$2" 2>/dev/null || true; }
  fi
  wait "$1" 2>/dev/null || true
}
stop_nginx() {
  stop_master "$NGINX_PID" "$NGINX_WORKER"
  NGINX_PID=""; NGINX_WORKER=""
}
wait_answer() {  # url pid: up to 5 s for GET url to answer 'hello' while pid lives
  local i
  for i in $(seq 50); do
    [ "$(curl -s --max-time 1 "$1" 2>/dev/null)" = hello ] && return 0
    alive "$2" || return 1
    sleep 0.1
  done
  return 1
}
start_sink() {  # on CPU 0, like nginx; c50x2 widens it to both CPUs for its runs (sink_cpus)
  taskset -c "$SRV_CPU" "$SK" "$SINKPORT" > "$WORKDIR/sink/stdout" 2> "$WORKDIR/sink/stderr" &
  SINK_PID=$!
  wait_answer "$SINKURL/hello" "$SINK_PID" ||
    { cat "$WORKDIR/sink/stderr" >&2; die "the sink does not answer GET /hello with 'hello'"; }
}
sink_cpus() { [ -z "$SINK_PID" ] || taskset -p -c "$1" "$SINK_PID" > /dev/null; }
stop_sink() {  # TERM (it prints its count and exits), then KILL
  [ -n "$SINK_PID" ] || return 0
  local i
  kill -TERM "$SINK_PID" 2>/dev/null || true
  for i in $(seq 50); do alive "$SINK_PID" || break; sleep 0.1; done
  if alive "$SINK_PID"; then kill -KILL "$SINK_PID" 2>/dev/null || true; fi
  wait "$SINK_PID" 2>/dev/null || true
  SINK_PID=""
}
start_nginx_proxy() {  # proxy50's nginx proxy_pass, one worker on CPU 1
  taskset -c "$CLI_CPU" nginx -p "$NGX/" -e "$NGX/proxy-error.log" -c "$NGX/proxy.conf" > "$NGX/proxy-stdout" 2>&1 &
  NGXPROXY_PID=$!
  wait_answer "http://$HOST:$NGXPROXYPORT/hello" "$NGXPROXY_PID" ||
    { cat "$NGX/proxy-stdout" "$NGX/proxy-error.log" >&2; die "nginx's proxy_pass does not answer"; }
  NGXPROXY_WORKER=$(pgrep -P "$NGXPROXY_PID" | head -1 || true)
  [ -n "$NGXPROXY_WORKER" ] || die "the proxy nginx's worker not found"
}
start_sp_proxy() {  # base: stressplan's fault proxy for one proxy50 run, on CPU 1 -> SPPROXY_PID
  ( exec taskset -c "$CLI_CPU" timeout -s INT -k 10 $((DUR + 90)) "$SP" run "$WORKDIR/proxy-plan.yaml" \
      --mode load --report "$1.proxy.report" --quiet ) > "$1.proxy.out" 2> "$1.proxy.err" &
  SPPROXY_PID=$!   # timeout's pid (taskset execs it); stressplan is its child
  wait_answer "http://$HOST:$SPPROXYPORT/hello" "$SPPROXY_PID"
}
stop_sp_proxy() {  # SIGINT to stressplan (once: through timeout it would get two), KILL after 15 s
  [ -n "$SPPROXY_PID" ] || return 0
  local rc=0 i sp
  sp=$(pgrep -P "$SPPROXY_PID" | head -1 || true)
  kill -INT "${sp:-$SPPROXY_PID}" 2>/dev/null || true
  for i in $(seq 150); do alive "$SPPROXY_PID" || break; sleep 0.1; done
  if alive "$SPPROXY_PID"; then
    [ -n "$sp" ] && { kill -KILL "$sp" 2>/dev/null || true; }
    kill -KILL "$SPPROXY_PID" 2>/dev/null || true
  fi
  wait "$SPPROXY_PID" 2>/dev/null || rc=$?
  SPPROXY_PID=""
  return "$rc"
}
stop_client() {
  [ -n "$CLIENT_PID" ] || return 0
  if alive "$CLIENT_PID"; then
    local t c i
    t=$(pgrep -P "$CLIENT_PID" | head -1 || true)                  # timeout
    c=$( [ -n "$t" ] && pgrep -P "$t" | head -1 || true)           # the generator
    [ -n "$t" ] && { kill -INT "$t" 2>/dev/null || true; }         # timeout forwards it; -k follows
    for i in $(seq 200); do alive "$CLIENT_PID" || break; sleep 0.1; done
    if alive "$CLIENT_PID"; then
      [ -n "$c" ] && { kill -KILL "$c" 2>/dev/null || true; }
      [ -n "$t" ] && { kill -KILL "$t" 2>/dev/null || true; }
    fi
  fi
  wait "$CLIENT_PID" 2>/dev/null || true
  CLIENT_PID=""
}
cleanup() {
  stop_client
  stop_sp_proxy || true
  stop_master "$NGXPROXY_PID" "$NGXPROXY_WORKER"; NGXPROXY_PID=""
  stop_sink
  stop_nginx
}
trap cleanup EXIT
trap 'echo "bench/run.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ CPU accounting
busy_ticks() { awk '/^cpu /{print $2+$3+$4; exit}' /proc/stat; }            # user+nice+system, all CPUs
steal_ticks() { awk '/^cpu /{print $9; exit}' /proc/stat; }
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # utime+stime, all threads
now_ns() { date +%s%N; }
cpu_probe() {  # ms for a fixed CPU-bound loop on CPU $1: shows when the host gives the VM less
  local t0 t1
  t0=$(now_ns)
  taskset -c "$1" awk 'BEGIN { for (i = 0; i < 2000000; i++) s += i % 7 }'
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 ))
}

IDLE_BEFORE=""
wait_idle() {  # until less than IDLE_CORES cores are busy over one second, at most IDLE_MAX s
  local waited=0 b0 b1 t0 t1
  while :; do
    t0=$(now_ns); b0=$(busy_ticks); sleep 1; b1=$(busy_ticks); t1=$(now_ns)
    IDLE_BEFORE=$(awk -v b=$((b1 - b0)) -v hz="$HZ" -v ns=$((t1 - t0)) 'BEGIN{printf "%.2f", b / hz / (ns / 1e9)}')
    awk -v x="$IDLE_BEFORE" -v m="$IDLE_CORES" 'BEGIN{exit !(x < m)}' && return 0
    waited=$((waited + 1))
    if [ "$waited" -ge "$IDLE_MAX" ]; then
      echo "   (machine still busy after ${IDLE_MAX}s: $IDLE_BEFORE cores; running anyway — see foreign.log)"
      { echo "== $(date -u +%T) not idle ($IDLE_BEFORE cores) before $CUR_RUN"
        top -b -n 2 -d 1 -w 200 2>/dev/null | awk '/^top -/{n++} n==2' | sed -n '7,14p'; } >> "$WORKDIR/foreign.log"
      return 0
    fi
  done
}

established() { ss -Htn state established "( sport = :${1:-$PORT} )" 2>/dev/null | wc -l; }
case_port() {  # case tool: the port whose established connections are the tool's
  case $1 in
    h2tls*) echo "$H2TLSPORT" ;; tls*) echo "$TLSPORT" ;; h2*) echo "$H2PORT" ;;
    sink*|c50x2) echo "$SINKPORT" ;;
    proxy50) [ "$2" = nginx-proxy ] && echo "$NGXPROXYPORT" || echo "$SPPROXYPORT" ;;
    *) echo "$PORT" ;;
  esac
}
is_sink_case() { case $1 in sink50|sink1000|c50x2) return 0 ;; *) return 1 ;; esac; }
nginx_active() {  # connections nginx holds, minus the probe's own
  curl -s --max-time 2 "$URL/nginx_status" 2>/dev/null | awk '/^Active connections/{print $3 - 1}'
}
nginx_requests() {  # requests nginx has served since it started (this probe included)
  curl -s --max-time 2 "$URL/nginx_status" 2>/dev/null | awk 'NR == 3 {print $3}'
}
sink_requests() {  # fixed responses the sink has sent since it started (its status not included)
  curl -s --max-time 2 "$SINKURL/sink_status" 2>/dev/null | awk '$1 == "requests" {print $2}'
}

# ------------------------------------------------------------------ cases
CMD=(); LIMIT=0; RUN_S=0; CLIENT_CPUS=$CLI_CPU
client_cmd() {  # case tool base -> CMD, LIMIT (timeout seconds), RUN_S (seconds of load), CLIENT_CPUS
  local case=$1 tool=$2 base=$3 users
  RUN_S=$DUR
  CLIENT_CPUS=$CLI_CPU
  case $case in
    c50|sink50) users=50 ;;
    c1000|sink1000) users=1000 ;;
    # two generator cores against the sink: the generator, its two threads and the sink share CPUs 0-1
    c50x2) users=50; CLIENT_CPUS=$SRV_CPU,$CLI_CPU ;;
    # wrk is the load, beside the backend nginx on CPU 0; the tool is the proxy on CPU 1
    proxy50) users=50; CLIENT_CPUS=$SRV_CPU
             local purl=http://$HOST:$SPPROXYPORT
             [ "$tool" = nginx-proxy ] && purl=http://$HOST:$NGXPROXYPORT
             CMD=(wrk -t1 -c50 -d"${DUR}s" --latency "$purl/hello"); LIMIT=$((DUR + 20))
             return 0 ;;
    h2c50|tls50|h2tls50) users=50 ;;
    # 500 users' requests packed 10 streams to a connection: 50 connections, as h2load -c50 -m10
    h2c50m10) users=500 ;;
    c10000-rss) users=$RSS_USERS ;;
    soak) users=$SOAK_USERS; RUN_S=$((SOAK_SECONDS + 15)) ;;
    open20k) users=0 ;;
    closed20k) users=50 ;;
  esac
  case $tool in
    stressplan)
      CMD=("$SP" run "$PLAN" --mode load --report "$base.report")
      if [ "$case" = open20k ]; then
        CMD+=(--set "$OPEN_SET")   # no --users/--duration: they would replace the open stage
      else
        case $case in
          h2c50) CMD+=(--set target.protocol=http2 --set "target.base_url=$H2URL") ;;
          h2c50m10) CMD+=(--set target.protocol=http2 --set "target.base_url=$H2URL"
                          --set target.max_streams=10) ;;
          tls50) CMD+=(--set "target.base_url=$TLSURL" --set target.insecure=true) ;;
          h2tls50) CMD+=(--set target.protocol=http2 --set "target.base_url=$H2TLSURL"
                         --set target.insecure=true) ;;
          sink50|sink1000) CMD+=(--set "target.base_url=$SINKURL") ;;
          c50x2) CMD+=(--set "target.base_url=$SINKURL" --set workers=2) ;;   # two load threads
          closed20k) CMD+=(--set "$CLOSED_RATE_SET") ;;
        esac
        CMD+=(--users "$users" --duration "${RUN_S}s")
      fi
      LIMIT=$((RUN_S + 40)) ;;
    wrk)
      local wurl=$URL threads=1
      case $case in tls50) wurl=$TLSURL ;; sink*) wurl=$SINKURL ;; c50x2) wurl=$SINKURL; threads=2 ;; esac
      CMD=(wrk -t"$threads" -c"$users" -d"${DUR}s" --latency "$wurl/hello")
      LIMIT=$((DUR + 20)) ;;
    h2load)
      local streams=1 hurl=$H2URL
      [ "$case" = h2c50m10 ] && streams=10
      [ "$case" = h2tls50 ] && hurl=$H2TLSURL   # https: h2load offers h2 by ALPN
      CMD=(h2load -t1 -c50 -m"$streams" -D "$DUR" "$hurl/hello")
      LIMIT=$((DUR + 20)) ;;
    locust)
      CMD=("$PY" "$LOCUST" -f "$ROOT/bench/locustfile.py" --headless -u "$users" -r "$users"
           -t "${DUR}s" --only-summary --host "$URL")
      LIMIT=$((DUR + 40)) ;;
  esac
}
tools_for() {  # the tools a case runs, in order, filtered by TOOLS
  local t
  case $1 in
    c50|c1000) for t in stressplan wrk locust; do has "$t" "$TOOLS" && echo "$t"; done ;;
    tls50|sink50|sink1000|c50x2) for t in stressplan wrk; do has "$t" "$TOOLS" && echo "$t"; done ;;
    proxy50) for t in stressplan nginx-proxy; do has "$t" "$TOOLS" && echo "$t"; done ;;
    h2c50|h2c50m10|h2tls50) for t in stressplan h2load; do has "$t" "$TOOLS" && echo "$t"; done ;;
    *) has stressplan "$TOOLS" && echo stressplan ;;
  esac
  return 0
}

# ------------------------------------------------------------------ one measured run
# The server side of a run: which process serves it (for its CPU), how its count is read, and
# for proxy50 the proxy under test, started for each run (stressplan) or running (nginx).
SRV_WATCH=""; PROXY_WATCH=""; PROXY_NOTE=""; PROXY_EXTRA=""
server_for() {  # case tool base -> SRV_WATCH, PROXY_WATCH; PROXY_NOTE when the proxy failed
  SRV_WATCH=$NGINX_WORKER; PROXY_WATCH=""; PROXY_NOTE=""
  alive "$NGINX_PID" || die "nginx died (see $NGX/error.log)"
  if is_sink_case "$1"; then
    alive "$SINK_PID" || die "the sink died (see $WORKDIR/sink/stderr)"
    SRV_WATCH=$SINK_PID
    if [ "$1" = c50x2 ]; then sink_cpus "$SRV_CPU,$CLI_CPU"; else sink_cpus "$SRV_CPU"; fi
  fi
  [ "$1" = proxy50 ] || return 0
  if [ "$2" = nginx-proxy ]; then
    alive "$NGXPROXY_PID" || die "nginx's proxy died (see $NGX/proxy-error.log)"
    PROXY_WATCH=$NGXPROXY_WORKER
  elif start_sp_proxy "$3"; then
    PROXY_WATCH=$(pgrep -P "$SPPROXY_PID" | head -1 || true)
  else
    PROXY_NOTE="stressplan's proxy did not answer within 5 s (see $3.proxy.err)"
  fi
}
server_count() {  # case: the server's request count now
  if is_sink_case "$1"; then sink_requests; else nginx_requests; fi
}
proxy_end() {  # case tool base: stops stressplan's proxy -> PROXY_EXTRA (its peak RSS, exit code)
  PROXY_EXTRA=""
  [ "$1" = proxy50 ] || return 0
  local hwm="" rc=0
  [ -n "$PROXY_WATCH" ] && hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$PROXY_WATCH/status" 2>/dev/null || true)
  PROXY_EXTRA="proxy_rss_kb=$hwm"
  [ "$2" = stressplan ] || return 0
  if [ -z "$PROXY_NOTE" ] && ! alive "$SPPROXY_PID"; then
    PROXY_NOTE="stressplan's proxy ended before the load did (see $3.proxy.err)"
  fi
  stop_sp_proxy || rc=$?
  PROXY_EXTRA+=",proxy_rc=$rc"
}

HEADER_LINE=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import results; print("\t".join(results.HEADER))' "$ROOT/bench")
echo "$HEADER_LINE" > "$WORKDIR/runs.tsv"
echo "$HEADER_LINE" > "$WORKDIR/discarded.tsv"
CUR_RUN=""

run_once() {  # case tool rep attempt -> $WORKDIR/last.row
  local case=$1 tool=$2 rep=$3 attempt=$4
  local base=$RAW/$case.$tool.r$rep.a$attempt
  client_cmd "$case" "$tool" "$base"
  CUR_RUN="$case $tool rep $rep"
  alive "$NGINX_PID" || die "nginx died (see $NGX/error.log)"
  wait_idle
  local probe0 probe1
  probe0=$(cpu_probe "$SRV_CPU"); probe1=$(cpu_probe "$CLI_CPU")
  server_for "$case" "$tool" "$base"
  echo "-- $case $tool rep $rep$([ "$attempt" -gt 0 ] && echo " (attempt $((attempt + 1)))"): ${CMD[*]}"
  local t0 el tpid="" cpid="" w0="" w1="" conns_mid="" cmax=0 amax=0 c a rss1="" rss10="" last_poll=-1000
  local win0=$((RUN_S * 300)) win1=$((RUN_S * 800)) mid=$((RUN_S * 500))   # ms after start
  local wt0 wb0 wn0 wc0 ws0 wp0=0 wt1 wb1 wn1 wc1 ws1 wp1=0 srv0 srv1 probes=0
  srv0=$(server_count "$case")
  t0=$(now_ns)
  ( exec /usr/bin/time -v -o "$base.time" \
      timeout -s INT -k 10 "$LIMIT" taskset -c "$CLIENT_CPUS" "${CMD[@]}" ) > "$base.out" 2> "$base.err" &
  CLIENT_PID=$!
  while alive "$CLIENT_PID"; do
    sleep 0.25
    el=$(( ($(now_ns) - t0) / 1000000 ))
    if [ -z "$cpid" ]; then
      tpid=$(pgrep -P "$CLIENT_PID" | head -1 || true)
      [ -n "$tpid" ] && cpid=$(pgrep -P "$tpid" | head -1 || true)
    fi
    if [ -z "$w0" ] && [ "$el" -ge "$win0" ] && [ -n "$cpid" ]; then
      wt0=$(now_ns); wb0=$(busy_ticks); wn0=$(proc_ticks "$SRV_WATCH"); wc0=$(proc_ticks "$cpid"); ws0=$(steal_ticks); w0=1
      [ -n "$PROXY_WATCH" ] && wp0=$(proc_ticks "$PROXY_WATCH")
    fi
    if [ -n "$w0" ] && [ -z "$w1" ] && [ "$el" -ge "$win1" ]; then
      wt1=$(now_ns); wb1=$(busy_ticks); wn1=$(proc_ticks "$SRV_WATCH"); wc1=$(proc_ticks "$cpid"); ws1=$(steal_ticks); w1=1
      [ -n "$PROXY_WATCH" ] && wp1=$(proc_ticks "$PROXY_WATCH")
    fi
    if [ -z "$conns_mid" ] && [ "$el" -ge "$mid" ]; then conns_mid=$(established "$(case_port "$case" "$tool")"); fi
    if [ "$case" = c10000-rss ] && [ "$el" -ge 1000 ] && [ "$el" -le $((RUN_S * 950)) ] &&
       [ $((el - last_poll)) -ge 1000 ]; then   # every second while the load runs
      last_poll=$el
      c=$(established); [ "$c" -gt "$cmax" ] && cmax=$c
      a=$(nginx_active); probes=$((probes + 1)); [ -n "$a" ] && [ "$a" -gt "$amax" ] && amax=$a
    fi
    if [ "$case" = soak ] && [ -n "$cpid" ]; then
      [ -z "$rss1" ] && [ "$el" -ge 60000 ] && rss1=$(awk '/^VmRSS:/{print $2}' "/proc/$cpid/status" 2>/dev/null || true)
      if [ -z "$rss10" ] && [ "$el" -ge $((SOAK_SECONDS * 1000)) ]; then
        rss10=$(awk '/^VmRSS:/{print $2}' "/proc/$cpid/status" 2>/dev/null || true)
        echo "   VmRSS at 60 s: ${rss1:-?} kB, at ${SOAK_SECONDS} s: ${rss10:-?} kB"
      fi
    fi
  done
  local rc=0
  wait "$CLIENT_PID" || rc=$?
  CLIENT_PID=""
  proxy_end "$case" "$tool" "$base"
  srv1=$(server_count "$case")
  local server_requests=""   # what the server served during the run, its status probes taken out
  if [ -n "$srv0" ] && [ -n "$srv1" ]; then
    # the sink does not count its status requests; nginx counts its own (srv1's included)
    if is_sink_case "$case"; then server_requests=$((srv1 - srv0)); else server_requests=$((srv1 - srv0 - 1 - probes)); fi
  fi
  local cu=NA nu=NA fu=NA st="" pu=""
  if [ -n "$w1" ]; then
    local per=$(( (wt1 - wt0) * HZ / 1000000000 )); [ "$per" -gt 0 ] || per=1
    [ "$wc1" -ge "$wc0" ] || wc1=$wc0
    [ "$wn1" -ge "$wn0" ] || wn1=$wn0
    [ "$wp1" -ge "$wp0" ] || wp1=$wp0
    cu=$(awk -v x=$((wc1 - wc0)) -v w="$per" 'BEGIN{printf "%.2f", x / w}')
    nu=$(awk -v x=$((wn1 - wn0)) -v w="$per" 'BEGIN{printf "%.2f", x / w}')
    fu=$(awk -v x=$(( (wb1 - wb0) - (wc1 - wc0) - (wn1 - wn0) - (wp1 - wp0) )) -v w="$per" 'BEGIN{v = x / w; if (v < 0) v = 0; printf "%.2f", v}')
    st=$(awk -v x=$((ws1 - ws0)) -v w="$per" 'BEGIN{printf "%.2f", x / w}')
    [ -n "$PROXY_WATCH" ] && pu=$(awk -v x=$((wp1 - wp0)) -v w="$per" 'BEGIN{printf "%.2f", x / w}')
  fi
  local extra="server_requests=$server_requests,probe_ms_cpu0=$probe0,probe_ms_cpu1=$probe1,steal=$st," note=""
  case $case in
    proxy50) extra+="proxy_util=$pu,$PROXY_EXTRA" ;;
    c10000-rss) extra+="conns_max=$cmax,nginx_active_max=$amax"
                [ "$cmax" -ge "$RSS_USERS" ] || note="only $cmax of $RSS_USERS connections seen established" ;;
    open20k) extra+="planned_requests=$((OPEN_RATE * DUR)),planned_rate=$OPEN_RATE" ;;
    closed20k) extra+="planned_rate=$OPEN_RATE" ;;
    soak) extra+="rss_1min_kb=$rss1,rss_end_kb=$rss10"
          [ -n "$rss10" ] || note="no VmRSS sample at ${SOAK_SECONDS}s (the run ended before it)" ;;
  esac
  "$PY" "$RESULTS" row case="$case" tool="$tool" rep="$rep" attempt="$attempt" rc="$rc" base="$base" \
    client_util="$cu" nginx_util="$nu" foreign_util="$fu" idle_before="$IDLE_BEFORE" \
    conns_mid="$conns_mid" foreign_max="$FOREIGN_MAX" extra="$extra" note="$note" \
    failed="$PROXY_NOTE" > "$WORKDIR/last.row"
  # short line: status rps requests errors cpu_s rss client/nginx/foreign util, connections
  awk -F'\t' '{ printf "   %s rc=%s  %s req/s  %s requests  %s errors  %s CPU-s  %.1f MiB  client %s nginx %s foreign %s  conns %s  %s %s\n",
                $5, $6, $7, $8, $9, $10, $11 / 1024, $13, $14, $15, $17, $18, $19 }' "$WORKDIR/last.row"
}

measure() {  # case tool rep: runs once, reruns a contended run up to RETRIES times
  local case=$1 tool=$2 rep=$3 attempt=0 status
  while :; do
    run_once "$case" "$tool" "$rep" "$attempt"
    status=$(cut -f5 "$WORKDIR/last.row")
    # the soak measures memory over 10 minutes: contention does not change it, so no rerun
    if [ "$status" = contended ] && [ "$attempt" -lt "$RETRIES" ] && [ "$case" != soak ]; then
      cat "$WORKDIR/last.row" >> "$WORKDIR/discarded.tsv"
      echo "   (contended: other processes used more than $FOREIGN_MAX core during the run; running it again)"
      attempt=$((attempt + 1))
      continue
    fi
    cat "$WORKDIR/last.row" >> "$WORKDIR/runs.tsv"
    return 0
  done
}

# ------------------------------------------------------------------ main
echo "== stressplan benchmark: REPS=$REPS DUR=${DUR}s cases: $CASES; nginx ($NGINX_PROFILE) on CPU $SRV_CPU, generators on CPU $CLI_CPU (c50x2: both, proxy50: the proxy); results in $WORKDIR"
sed 's/^/   /' "$WORKDIR/versions.txt"
start_nginx
uses_sink && start_sink
has proxy50 "$CASES" && has nginx-proxy "$TOOLS" && start_nginx_proxy
for rep in $(seq "$REPS"); do
  for case in $CASES; do
    [ "$case" = soak ] && continue
    for tool in $(tools_for "$case"); do
      measure "$case" "$tool" "$rep"
    done
  done
done
if has soak "$CASES"; then
  echo "== soak: $SOAK_USERS users for $((SOAK_SECONDS + 15)) s, VmRSS sampled at 60 s and ${SOAK_SECONDS} s"
  measure soak stressplan 1
fi
stop_master "$NGXPROXY_PID" "$NGXPROXY_WORKER"; NGXPROXY_PID=""
stop_sink
stop_nginx

{
  echo "# stressplan benchmark results"
  echo
  echo "Command: \`$INVOCATION\` (from $ROOT)"
  echo "(medians of $REPS interleaved runs of ${DUR} s per case and tool; the soak runs once; every run in runs.tsv, raw output in raw/)"
  echo
  echo "nginx profile: **$NGINX_PROFILE** (NGINX_PROFILE; docs/benchmarks.md, \"Server profiles\")"
  echo
  sed 's/^/    /' "$WORKDIR/versions.txt"
  echo
  "$PY" "$RESULTS" summary "$WORKDIR/runs.tsv" port="$PORT" dur="$DUR" open_rate="$OPEN_RATE" \
    rss_users="$RSS_USERS" rss_target_mib="$RSS_TARGET_MIB" soak_users="$SOAK_USERS" \
    soak_desc="$((SOAK_SECONDS + 15)) s (VmRSS at 60 s and ${SOAK_SECONDS} s)" soak_seconds="$SOAK_SECONDS" \
    idle_cores="$IDLE_CORES" foreign_max="$FOREIGN_MAX" \
    discarded="$(($(wc -l < "$WORKDIR/discarded.tsv") - 1))" \
    rss_skipped="$RSS_SKIPPED" open_skipped="$OPEN_SKIPPED" cases="$CASES"
} > "$WORKDIR/summary.md"
echo
echo "== summary ($WORKDIR/summary.md)"
cat "$WORKDIR/summary.md"
