#!/usr/bin/env bash
# Data-parallel scaling on one machine (docs/distributed.md): the char-lstm-h256 benchmark
# config (embed 64, 2 x 256, batch 64 x 100) on tinyshakespeare for STEPS steps, as
#   1 process x 1 thread, 1 process x 2 threads, 2 processes x 1 thread (overlapped allreduce in
#   1 MiB buckets, and --no-overlap),
# REPEATS times each, interleaved. Prints one line per run: tokens/s (the log's, steps only) and
# the allreduce wait per step that the trainer reports.
#   bench/dist_scaling.sh build/rnngen ../shared/data/tinyshakespeare.txt [STEPS] [REPEATS]
set -euo pipefail
rnngen=$1 data=$2 steps=${3:-20} repeats=${4:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=(mpirun --allow-run-as-root -np 2)
args=("$data" --embed-size 64 --hidden-size 256 --num-layers 2 --batch-size 64 --seq-len 100
  --max-steps "$steps" --val-fraction 0 --checkpoint-every 100000 --seed 1 -q)
run() {  # run NAME COMMAND...
  local name=$1; shift
  rm -rf "$tmp/m"
  "$@" --out "$tmp/m"
  /usr/bin/python3 - "$name" "$tmp/m/train_log.jsonl" <<'PY'
import json, sys
j = json.loads(open(sys.argv[2]).read().splitlines()[-1])
ms = 1e3 * j.get("allreduce_s_per_step", 0.0)
print(f"{sys.argv[1]:<32} tokens/s {j['tokens_per_s']:8.0f}  allreduce wait {ms:6.1f} ms/step  train_nll {j['train_nll']:.6f}")
PY
}
for r in $(seq 1 "$repeats"); do
  run "1 process x 1 thread" "$rnngen" train "${args[@]}" --threads 1
  run "1 process x 2 threads" "$rnngen" train "${args[@]}" --threads 2
  run "2 processes x 1 thread" "${mpi[@]}" "$rnngen" train "${args[@]}" --threads 1 --bucket-mb 1
  run "2 processes x 1 thread no-overlap" "${mpi[@]}" "$rnngen" train "${args[@]}" --threads 1 --bucket-mb 1 --no-overlap
done
