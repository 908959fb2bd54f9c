#!/usr/bin/env bash
# Debian's nginx and prometheus packages start a system daemon when they are installed (nginx on
# port 80, prometheus on 9090); the tests start their own. This stops that one and only that
# one: never a process we did not start, never a user's daemon that was already running (from
# the package's unit or pid file, or any other).
#
#   state=$(scripts/package-service.sh nginx state)      # before installing nginx
#   scripts/package-service.sh nginx stop-new "$state"   # after: stops it only if the install started it
#
# SERVICE is nginx (pid file /run/nginx.pid) or prometheus (/run/prometheus/prometheus.pid, the
# one its init script makes). `state` prints "unit=<active|inactive|none> pid=<pid or 0>": the
# systemd unit's state (none without systemd) and the live pid in the package's pid file.
# `stop-new` stops the unit (and disables it) if it was not active before and is now; without
# systemd it sends SIGTERM to the pid now in the pid file if that is a live process of that
# name that was not there before.
# For tests: SYSTEMCTL (default systemctl, used only when systemd runs, i.e. /run/systemd/system
# exists, or SYSTEMCTL is set) and SERVICE_PID_FILE (default: the package's pid file).
set -euo pipefail

service="${1:-}"
case "$service" in
  nginx) default_pid_file=/run/nginx.pid ;;
  prometheus) default_pid_file=/run/prometheus/prometheus.pid ;;
  *) echo "usage: package-service.sh nginx|prometheus state | stop-new \"<output of state>\"" >&2; exit 2 ;;
esac
shift
pid_file="${SERVICE_PID_FILE:-$default_pid_file}"

have_systemd() {
  if [ -n "${SYSTEMCTL:-}" ]; then return 0; fi
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

systemctl_() { "${SYSTEMCTL:-systemctl}" "$@"; }

unit_state() {
  if ! have_systemd; then echo none; return; fi
  if systemctl_ is-active --quiet "$service"; then echo active; else echo inactive; fi
}

# The pid in the package's pid file if it is a live process of the service, else 0.
live_pid() {
  local pid comm
  pid="$(head -n1 "$pid_file" 2>/dev/null | tr -dc '0-9')" || true
  [ -n "$pid" ] || { echo 0; return; }
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || { echo 0; return; }
  [ "$comm" = "$service" ] && echo "$pid" || echo 0
}

field() {  # field NAME "unit=... pid=..."
  local kv
  for kv in $2; do
    [ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return; }
  done
  echo ""
}

case "${1:-}" in
  state)
    echo "unit=$(unit_state) pid=$(live_pid)"
    ;;
  stop-new)
    before="${2:?usage: package-service.sh $service stop-new \"<output of state>\"}"
    if have_systemd; then
      # The package's unit: stop it only if installing started it.
      if [ "$(field unit "$before")" != active ] && [ "$(unit_state)" = active ]; then
        echo "package-service: stopping the $service unit the package started (it was not running before)"
        sudo_=""
        [ "$(id -u)" -eq 0 ] || [ -n "${SYSTEMCTL:-}" ] || sudo_="sudo"
        $sudo_ "${SYSTEMCTL:-systemctl}" disable --now "$service" >/dev/null
      fi
      exit 0
    fi
    # No systemd: the package's init script started it and wrote its pid file.
    pid="$(live_pid)"
    if [ "$pid" != 0 ] && [ "$pid" != "$(field pid "$before")" ]; then
      echo "package-service: stopping the $service the package started (pid $pid from $pid_file)"
      sudo_=""
      [ -O "/proc/$pid" ] || sudo_="sudo"
      $sudo_ kill -TERM "$pid"
    fi
    ;;
  *)
    echo "usage: package-service.sh $service state | stop-new \"<output of state>\"" >&2
    exit 2
    ;;
esac
