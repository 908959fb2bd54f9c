# bench/one-nginx.sh - sourced by bench/floor.sh and bench/open-cost.sh: start_nginx WORK PORT
# starts one nginx worker on CPU 0 with bench/run.sh's tuned profile (multi_accept, tcp_nodelay,
# backlog 4096) serving GET /hello on 127.0.0.1:PORT, sets NGINX to its master's pid and waits
# until it answers. The caller stops it by that pid (stop_nginx, also from its EXIT trap).
NGINX=""
start_nginx() {
  local work=$1 port=$2 i
  [ -z "$(ss -Hltn "( sport = :$port )")" ] || { echo "$0: something listens on 127.0.0.1:$port" >&2; exit 2; }
  mkdir -p "$work/tmp"
  cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx.pid; error_log $work/nginx.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off; keepalive_requests 1000000; tcp_nodelay on;
$(for k in client_body proxy fastcgi uwsgi scgi; do echo "  ${k}_temp_path $work/tmp/$k;"; done)
  server { listen 127.0.0.1:$port backlog=4096; location /hello { default_type text/plain; return 200 "hello"; } }
}
CONF
  taskset -c 0 nginx -p "$work/" -c "$work/nginx.conf" > "$work/nginx.out" 2>&1 & NGINX=$!
  for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/hello" > /dev/null && return 0; sleep 0.1; done
  echo "$0: nginx did not start (see $work/nginx.out)" >&2
  exit 2
}
stop_nginx() { [ -z "$NGINX" ] || kill -TERM "$NGINX" 2>/dev/null || true; wait 2>/dev/null || true; }
