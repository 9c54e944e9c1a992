#!/bin/sh
# Runs each fuzz target for a bounded time on a working copy of its committed
# corpus (new inputs stay in the build directory; crashes are written to
# tests/fuzz/regressions/<target>/, where `make test` replays them from then
# on). Prints the executions per target; fails when any target crashed.
# Usage: fuzz.sh BUILD_DIR SECONDS TARGET...
set -u
build_dir=$1; seconds=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=0
for target in "$@"; do
  work="$build_dir/fuzz-corpus/$target"
  regressions="$root/tests/fuzz/regressions/$target"
  mkdir -p "$work" "$regressions"
  log="$build_dir/fuzz-$target.log"
  "$build_dir/tests/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$regressions/" "$work" "$root/tests/fuzz/corpus/$target" >"$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $status -eq 0 ]; then
    echo "$target: ${runs:-?} executions in ${seconds}s, no crash"
  else
    failed=1
    echo "$target: FAILED after ${runs:-?} executions (exit $status); see $log and $regressions"
    tail -n 30 "$log"
  fi
done
exit $failed
