#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang 14 into build/fuzz and runs each for a fixed
# budget on its seed corpus; fails when any harness finds a crash, a sanitizer report, a leak,
# a timeout or an out-of-memory. See docs/reliability.md.
#
#   scripts/fuzz.sh                      every harness, FUZZ_SECONDS (default 20) each
#   scripts/fuzz.sh csv template         only these harnesses
#   FUZZ_SECONDS=300 scripts/fuzz.sh     a longer run
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=1800 scripts/fuzz.sh
#                                        stop each at 10^7 executions or 30 minutes, the first
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh    build, run nothing
#
# The committed corpus (fuzz/corpus/<name>/) is only read: inputs the fuzzer finds go to a
# temporary folder that is removed at the end. A crashing input is kept as
# build/fuzz/artifacts/<name>/crash-* (reproduce: build/fuzz/fuzz/fuzz_<name> <that file>);
# each harness's output is in build/fuzz/logs/<name>.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-20}"
build="$root/build/fuzz"

all=(plan_loader substitute template json_path response_parser http_framer prometheus csv
     cookie_jar content_decoder redirect)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
for h in "${harnesses[@]}"; do
  [ -d "$root/fuzz/corpus/$h" ] || { echo "fuzz.sh: unknown harness '$h' (one of: ${all[*]})" >&2; exit 2; }
done

# What the normal build needs, plus clang 14 and its runtime (libFuzzer, the sanitizers).
"$root/scripts/install-deps.sh" clang-14 libclang-rt-14-dev

# The harnesses and the libraries they link, nothing else (no plugins, no tests).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
start=$(date +%s)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DSTRESSPLAN_FUZZ=ON -DSTRESSPLAN_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzzers -j "$(nproc)"
echo "fuzz.sh: build took $(( $(date +%s) - start )) s"
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0

# Every harness reads inputs up to 8 KiB: enough for a plan with its hostile shapes (deep
# nesting, alias bombs, nested ${...} defaults; docs/plan.md "Limits"), small enough for speed.
max_len=8192

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
new_inputs="$(mktemp -d)"
trap 'rm -rf "$new_inputs"' EXIT
mkdir -p "$build/logs"
failed=()
for h in "${harnesses[@]}"; do
  mkdir -p "$new_inputs/$h" "$build/artifacts/$h"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len"
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$h/")
  [ -z "${FUZZ_RUNS:-}" ] || args+=(-runs="$FUZZ_RUNS")
  dict="$root/fuzz/dict/$h.dict"
  case "$h" in response_parser|http_framer) dict="$root/fuzz/dict/http.dict" ;; esac
  [ -f "$dict" ] && args+=(-dict="$dict")
  # The first folder receives new inputs; the committed corpus after it is only read.
  if "$build/fuzz/fuzz_$h" "${args[@]}" "$new_inputs/$h" "$root/fuzz/corpus/$h" \
      >"$build/logs/$h.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$h.log")
    corpus=$(sed -n 's/.*DONE .* corp: \([^ ]*\).*/\1/p' "$build/logs/$h.log")
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$build/logs/$h.log")
    echo "fuzz.sh: $h ok, ${runs:-?} executions in ${took:-$seconds} s, corpus ${corpus:-?} (inputs/bytes)"
  else
    echo "fuzz.sh: $h FAILED; the end of build/fuzz/logs/$h.log:" >&2
    tail -n 40 "$build/logs/$h.log" >&2
    failed+=("$h")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]} (inputs in build/fuzz/artifacts/)" >&2
  exit 1
fi
