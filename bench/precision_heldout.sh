#!/usr/bin/env bash
# `train --precision bf16` against fp32: the same model, seed and number of steps on
# tinyshakespeare (first 90% of the characters train, last 10% held out, as
# bench/quality_tinyshakespeare.sh splits it), each run alone; prints the training time and the
# held-out loss (the contract's eval) of each, and their differences.
#   bench/precision_heldout.sh [STEPS [THREADS]]     default 1500 steps, 2 threads
# Needs a CPU with AVX512-BF16 (rnngen refuses bf16 elsewhere) and ../shared/data.
# Environment: RNNGEN (binary, default build/rnngen), KEEP=DIR keeps the split, models and logs,
# HIDDEN (LSTM width, default 256) and BATCH (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-1500}
threads=${2:-2}
bin=${RNNGEN:-build/rnngen}
data=../shared/data/tinyshakespeare.txt
[[ -f $data ]] || { echo "precision_heldout: $data not found (shared/data next to this checkout)" >&2; exit 2; }
[[ -x $bin ]] || { echo "precision_heldout: $bin not found: build first or set RNNGEN" >&2; exit 2; }
if [[ -n ${KEEP:-} ]]; then work=$KEEP; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
export OMP_WAIT_POLICY=PASSIVE
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE  # OpenBLAS's kernels for this CPU, as the other benchmarks
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $steps steps, $threads threads, LSTM ${HIDDEN:-256} x 2, batch ${BATCH:-64}"
python3 - "$data" "$work" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
cut = int(len(text) * 0.9)
open(sys.argv[2] + "/train.txt", "w", encoding="utf-8").write(text[:cut])
open(sys.argv[2] + "/heldout.txt", "w", encoding="utf-8").write(text[cut:])
PY
model=(--embed-size 256 --hidden-size "${HIDDEN:-256}" --num-layers 2 --cell lstm --batch-size "${BATCH:-64}" --seq-len 100
       --optimizer adam --lr 2e-3 --clip 5)
for p in fp32 bf16; do
  rm -rf "$work/$p"
  start=$(date +%s.%N)
  "$bin" train "$work/train.txt" --val "$work/heldout.txt" --out "$work/$p" "${model[@]}" --epochs 1000 \
    --max-steps "$steps" --eval-every "$steps" --threads "$threads" --seed 1 --precision "$p" -q 2> "$work/$p.log" ||
    { cat "$work/$p.log" >&2; exit 1; }
  end=$(date +%s.%N)
  "$bin" eval "$work/$p" "$work/heldout.txt" --json --threads "$threads" > "$work/$p.json"
  python3 - "$p" "$start" "$end" "$work/$p.json" <<'PY'
import json, sys
p, t0, t1, f = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"{p}: {t1 - t0:.1f} s of training, held-out {json.load(open(f))['nll']:.5f} nats/char")
PY
done
python3 - "$work/fp32.json" "$work/bf16.json" <<'PY'
import json, sys
a, b = (json.load(open(f))["nll"] for f in sys.argv[1:3])
print(f"held-out bf16 - fp32 = {b - a:+.5f} nats/char")
PY
