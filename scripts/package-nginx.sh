#!/usr/bin/env bash
# Debian's nginx package starts a system nginx (port 80) when it is installed; the tests start
# their own. This stops that one and only that one: never a process we did not start, never a
# user's nginx that was already running (from the package's unit or pid file, or any other).
#
#   state=$(scripts/package-nginx.sh state)      # before installing nginx
#   scripts/package-nginx.sh stop-new "$state"   # after: stops it only if the install started it
#
# `state` prints "unit=<active|inactive|none> pid=<pid or 0>": the systemd unit's state (none
# without systemd) and the live pid in the package's pid file. `stop-new` stops the unit (and
# disables it) if it was not active before and is now; without systemd it sends SIGTERM to the
# pid now in the pid file if that is a live nginx that was not there before.
# For tests: SYSTEMCTL (default systemctl, used only when systemd runs, i.e. /run/systemd/system
# exists, or SYSTEMCTL is set) and NGINX_PID_FILE (default /run/nginx.pid).
set -euo pipefail

pid_file="${NGINX_PID_FILE:-/run/nginx.pid}"

have_systemd() {
  if [ -n "${SYSTEMCTL:-}" ]; then return 0; fi
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

systemctl_() { "${SYSTEMCTL:-systemctl}" "$@"; }

unit_state() {
  if ! have_systemd; then echo none; return; fi
  if systemctl_ is-active --quiet nginx; then echo active; else echo inactive; fi
}

# The pid in the package's pid file if it is a live nginx process, else 0.
live_pid() {
  local pid comm
  pid="$(head -n1 "$pid_file" 2>/dev/null | tr -dc '0-9')" || true
  [ -n "$pid" ] || { echo 0; return; }
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || { echo 0; return; }
  [ "$comm" = nginx ] && echo "$pid" || echo 0
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
    before="${2:?usage: package-nginx.sh stop-new \"<output of state>\"}"
    if have_systemd; then
      # The package's unit: stop it only if installing started it.
      if [ "$(field unit "$before")" != active ] && [ "$(unit_state)" = active ]; then
        echo "package-nginx: stopping the nginx unit the package started (it was not running before)"
        sudo_=""
        [ "$(id -u)" -eq 0 ] || [ -n "${SYSTEMCTL:-}" ] || sudo_="sudo"
        $sudo_ "${SYSTEMCTL:-systemctl}" disable --now nginx >/dev/null
      fi
      exit 0
    fi
    # No systemd: the package's init script started it and wrote its pid file.
    pid="$(live_pid)"
    if [ "$pid" != 0 ] && [ "$pid" != "$(field pid "$before")" ]; then
      echo "package-nginx: stopping the nginx the package started (pid $pid from $pid_file)"
      sudo_=""
      [ -O "/proc/$pid" ] || sudo_="sudo"
      $sudo_ kill -TERM "$pid"
    fi
    ;;
  *)
    echo "usage: package-nginx.sh state | stop-new \"<output of state>\"" >&2
    exit 2
    ;;
esac
