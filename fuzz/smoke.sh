#!/bin/sh
# Runs each libFuzzer target for SECONDS (default 30) from its committed seeds, then replays
# every committed regression file; exits non-zero at the first crash, hang or sanitizer
# report. New inputs the fuzzer finds go to a scratch corpus, not into the repository.
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
seconds=${2:-30}
for target in safetensors config_json tokenizer_json text_readers; do
  bin="$out/${target}_fuzz"
  work="$out/work/$target"
  mkdir -p "$work" "fuzz/corpus/$target"
  echo "fuzz smoke: $target for ${seconds}s" >&2
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$target-" "$work" "fuzz/corpus/$target" 2>"$out/$target.log" ||
    { tail -50 "$out/$target.log" >&2; exit 1; }
  grep -E "stat::(number_of_executed_units|average_exec_per_sec)" "$out/$target.log" >&2 || true
  if [ -d "fuzz/regressions/$target" ]; then
    "$bin" -runs=0 "fuzz/regressions/$target"/* 2>"$out/$target-regressions.log" ||
      { tail -50 "$out/$target-regressions.log" >&2; exit 1; }
  fi
done
