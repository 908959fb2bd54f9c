#!/bin/sh
# The container's entrypoint (deploy/kubernetes, docs/distributed.md). Two roles:
#
#   entrypoint.sh run     one segment of the plan: a pod of the Indexed Job. Kubernetes sets
#                         JOB_COMPLETION_INDEX; the Job sets STRESSPLAN_SEGMENTS (N), and
#                         stressplan reads both itself (--segment I/N). The report goes to
#                         $STRESSPLAN_REPORTS/segment-I, stressplan's exit code to
#                         $STRESSPLAN_REPORTS/segment-I.exit-code.
#   entrypoint.sh merge   waits until the N segments' reports are complete (their report.json),
#                         at most STRESSPLAN_MERGE_WAIT seconds, then merges them into
#                         $STRESSPLAN_REPORTS/merged. The plan needs a json reporter writing
#                         report.json (merge reads it).
#
# Environment (the Job sets it; every value is also a flag of stressplan):
#   STRESSPLAN_PLAN        the plan file (the ConfigMap's, /etc/stressplan/plan.yaml)
#   STRESSPLAN_REPORTS     this run's folder on the shared volume (/reports/run-<start>)
#   STRESSPLAN_SEGMENTS    N, the number of segments (pods)
#   STRESSPLAN_START_AT    when every segment starts its load (RFC 3339 or epoch seconds),
#                          set by the submitter (render.py) so that pods started apart begin
#                          together; empty: each starts at once
#   STRESSPLAN_ARGS        more flags for `stressplan run` (--profile spike --env staging ...)
#   STRESSPLAN_MERGE_WAIT  seconds the merge waits for the segments (default 3600)
#   STRESSPLAN_BIN         the binary (default: stressplan on PATH)
#
# Exit codes. `run`: 0 when the segment's run completed and wrote its report, whatever its
# verdict (stressplan's 0, 1 or 4: the plan's verdict is the merged report's, and a failed pod
# would fail the Job, which stops the segments still running); otherwise stressplan's own code
# (2: nothing ran, 3 or 130: the run broke). `merge`: stressplan merge's code (docs/cli.md). A
# missing or malformed variable exits 2 before anything runs.
set -eu

bin=${STRESSPLAN_BIN:-stressplan}
role=${1:-run}

need() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "entrypoint.sh $role: $1 is not set ($2)" >&2
    exit 2
  fi
}

need_number() {
  need "$1" "$2"
  case "$value" in
    *[!0-9]*)
      echo "entrypoint.sh $role: $1 must be a whole number, got '$value'" >&2
      exit 2
      ;;
  esac
}

case "$role" in
  run)
    need STRESSPLAN_PLAN "the plan file"
    need STRESSPLAN_REPORTS "the reports folder"
    need_number STRESSPLAN_SEGMENTS "the number of segments"
    need_number JOB_COMPLETION_INDEX "set by Kubernetes for an Indexed Job's pod"
    report="$STRESSPLAN_REPORTS/segment-$JOB_COMPLETION_INDEX"
    set -- run "$STRESSPLAN_PLAN" --report "$report"
    if [ -n "${STRESSPLAN_START_AT:-}" ]; then set -- "$@" --start-at "$STRESSPLAN_START_AT"; fi
    # STRESSPLAN_ARGS is split on spaces, as a shell would (no quoting inside it, no globbing).
    set -f
    # shellcheck disable=SC2086
    "$bin" "$@" ${STRESSPLAN_ARGS:-} &
    child=$!
    # The pod's SIGTERM (its deletion, the Job's deadline) goes to stressplan, which reverts its
    # faults and writes its reports; a trapped signal ends `wait` early, so wait again.
    signalled=0
    trap 'signalled=1; kill -TERM "$child" 2>/dev/null || true' TERM INT
    status=0
    wait "$child" || status=$?
    if [ "$signalled" = 1 ]; then
      first=$status
      status=0
      wait "$child" || status=$?
      [ "$status" -ne 127 ] || status=$first  # 127: the first wait had its code already
    fi
    mkdir -p "$STRESSPLAN_REPORTS"
    echo "$status" > "$report.exit-code"
    case "$status" in
      0 | 1 | 4) exit 0 ;;
      *) exit "$status" ;;
    esac
    ;;
  merge)
    need STRESSPLAN_REPORTS "the reports folder"
    need_number STRESSPLAN_SEGMENTS "the number of segments"
    wait_s=${STRESSPLAN_MERGE_WAIT:-3600}
    case "$wait_s" in
      '' | *[!0-9]*)
        echo "entrypoint.sh merge: STRESSPLAN_MERGE_WAIT must be a whole number of seconds, got '$wait_s'" >&2
        exit 2
        ;;
    esac
    waited=0
    while :; do
      done_count=0
      i=0
      while [ "$i" -lt "$STRESSPLAN_SEGMENTS" ]; do
        [ -f "$STRESSPLAN_REPORTS/segment-$i/report.json" ] && done_count=$((done_count + 1))
        i=$((i + 1))
      done
      [ "$done_count" -eq "$STRESSPLAN_SEGMENTS" ] && break
      if [ "$waited" -ge "$wait_s" ]; then
        echo "entrypoint.sh merge: $done_count of $STRESSPLAN_SEGMENTS segment reports after ${wait_s}s; merging nothing" >&2
        exit 3
      fi
      sleep 5
      waited=$((waited + 5))
    done
    set -- merge --report "$STRESSPLAN_REPORTS/merged"
    i=0
    while [ "$i" -lt "$STRESSPLAN_SEGMENTS" ]; do
      set -- "$@" "$STRESSPLAN_REPORTS/segment-$i"
      i=$((i + 1))
    done
    exec "$bin" "$@"
    ;;
  *)
    echo "entrypoint.sh: unknown role '$role' (run or merge)" >&2
    exit 2
    ;;
esac
