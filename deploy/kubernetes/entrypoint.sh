#!/bin/sh
# The container's entrypoint (deploy/kubernetes, docs/distributed.md). Two roles:
#
#   entrypoint.sh run     one segment of the plan: a pod of the Indexed Job. Kubernetes sets
#                         JOB_COMPLETION_INDEX; the Job sets STRESSPLAN_SEGMENTS (N), and
#                         stressplan reads both itself (--segment I/N). The report goes to
#                         $STRESSPLAN_REPORTS/segment-I.
#   entrypoint.sh merge   waits until the N segments' reports are complete (their report.json),
#                         at most STRESSPLAN_MERGE_WAIT seconds, then merges them into
#                         $STRESSPLAN_REPORTS/merged.
#
# Environment (the Job sets it; every value is also a flag of stressplan):
#   STRESSPLAN_PLAN        the plan file (the ConfigMap's, /etc/stressplan/plan.yaml)
#   STRESSPLAN_REPORTS     the shared volume's folder for the reports (/reports)
#   STRESSPLAN_SEGMENTS    N, the number of segments (pods)
#   STRESSPLAN_START_AT    when every segment starts its load (RFC 3339 or epoch seconds),
#                          set by the submitter (render.py) so that pods started apart begin
#                          together; empty: each starts at once
#   STRESSPLAN_ARGS        more flags for `stressplan run` (--profile spike --env staging ...)
#   STRESSPLAN_MERGE_WAIT  seconds the merge waits for the segments (default 3600)
#   STRESSPLAN_BIN         the binary (default: stressplan on PATH)
# The exit code is stressplan's (docs/cli.md), so the Job's pod status says how the segment
# went; a missing variable exits 2 before anything runs.
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

case "$role" in
  run)
    need STRESSPLAN_PLAN "the plan file"
    need STRESSPLAN_REPORTS "the reports folder"
    need STRESSPLAN_SEGMENTS "the number of segments"
    need JOB_COMPLETION_INDEX "set by Kubernetes for an Indexed Job's pod"
    report="$STRESSPLAN_REPORTS/segment-$JOB_COMPLETION_INDEX"
    set -- run "$STRESSPLAN_PLAN" --report "$report"
    if [ -n "${STRESSPLAN_START_AT:-}" ]; then set -- "$@" --start-at "$STRESSPLAN_START_AT"; fi
    # STRESSPLAN_ARGS is split on spaces, as a shell would (no quoting inside it).
    # shellcheck disable=SC2086
    exec "$bin" "$@" ${STRESSPLAN_ARGS:-}
    ;;
  merge)
    need STRESSPLAN_REPORTS "the reports folder"
    need STRESSPLAN_SEGMENTS "the number of segments"
    wait_s=${STRESSPLAN_MERGE_WAIT:-3600}
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
