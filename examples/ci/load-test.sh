#!/usr/bin/env bash
# One CI load test (docs/ci.md): runs a plan for one environment, writes its reports, compares
# the run with a baseline report when there is one, and exits with one code for the job.
#
#   examples/ci/load-test.sh --plan PLAN --env NAME --reports DIR [--baseline DIR] [-- RUN FLAGS]
#
#   --plan PLAN      the plan to run
#   --env NAME       its environment overlay (`stressplan run --env NAME`)
#   --reports DIR    DIR/run/ gets the run's reports (report.json, junit.xml, ...), and
#                    DIR/compare/ the comparison's (compare.json, compare-junit.xml)
#   --baseline DIR   a report folder (or report.json) of the main branch; when it holds no
#                    report (the first run, an expired artifact) the run is not compared
#   -- RUN FLAGS     more flags for `stressplan run` (`--profile soak`)
#
# The binary is $STRESSPLAN_PREFIX/bin/stressplan when STRESSPLAN_PREFIX is set (where
# examples/ci/install-stressplan.sh installed it), else `stressplan` on the PATH.
#
# Exit code: the run's when it is not 0 (docs/cli.md: 1 a threshold failed, 2 a plan error, 3 a
# runtime error, 4 untrustworthy results, 130 interrupted), else the comparison's (docs/compare.md:
# 1 a regression, 2 the reports cannot be compared, 3 its report folder cannot be written);
# 0 when the run passed and did not regress. A run that exits 2, 3 or 130 is not compared.
set -uo pipefail

usage() {
  echo "usage: $0 --plan PLAN --env NAME --reports DIR [--baseline DIR] [-- RUN FLAGS]" >&2
  exit 2
}

plan="" env="" reports="" baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --plan|--env|--reports|--baseline)
      [ $# -ge 2 ] || usage
      case "$1" in
        --plan) plan="$2" ;;
        --env) env="$2" ;;
        --reports) reports="$2" ;;
        --baseline) baseline="$2" ;;
      esac
      shift 2 ;;
    --) shift; break ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$plan" ] && [ -n "$env" ] && [ -n "$reports" ] || usage

stressplan="stressplan"
if [ -n "${STRESSPLAN_PREFIX:-}" ]; then stressplan="$STRESSPLAN_PREFIX/bin/stressplan"; fi

echo "load-test: stressplan run $plan --env $env --report $reports/run $*"
"$stressplan" run "$plan" --env "$env" --report "$reports/run" "$@"
run_code=$?
echo "load-test: the run exited $run_code"
case "$run_code" in
  0|1|4) ;;
  *) exit "$run_code" ;;  # nothing (trustworthy) to compare
esac

baseline_report="$baseline"
if [ -d "$baseline" ]; then baseline_report="$baseline/report.json"; fi
if [ -z "$baseline" ] || [ ! -f "$baseline_report" ]; then
  echo "load-test: no baseline report${baseline:+ in $baseline}: the run is not compared"
  exit "$run_code"
fi

echo "load-test: stressplan compare $baseline_report $reports/run --report $reports/compare"
"$stressplan" compare "$baseline_report" "$reports/run" --report "$reports/compare"
compare_code=$?
echo "load-test: the comparison exited $compare_code"
if [ "$run_code" -ne 0 ]; then exit "$run_code"; fi
exit "$compare_code"
